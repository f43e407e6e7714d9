package io.xdpemu.verifier.differential;

import io.xdpemu.ebpf.facts.ProgramFacts;
import io.xdpemu.ebpf.helpers.Fib;
import io.xdpemu.ebpf.helpers.HelperEnvironment;
import io.xdpemu.ebpf.helpers.Helpers;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import io.xdpemu.ebpf.maps.ArrayMap;
import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.ebpf.maps.MapDefinition;
import io.xdpemu.ebpf.maps.MapRegistry;
import io.xdpemu.ebpf.vm.Engine;
import io.xdpemu.ebpf.vm.Executable;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.Helper;
import io.xdpemu.ebpf.vm.Linkage;
import io.xdpemu.ebpf.vm.Program;
import io.xdpemu.ebpf.vm.RegionRegistry;
import io.xdpemu.ebpf.vm.TrapException;
import io.xdpemu.ebpf.vm.XdpBuff;
import java.util.Arrays;

/**
 * Runs a generated program on xdpemu's engines the way BPF_PROG_TEST_RUN runs it in the kernel: 256
 * bytes of headroom, no metadata, a fresh array map per program (the kernel side re-creates its map
 * for every load too), map state kept across the packets of one program.
 */
final class XdpemuRunner implements AutoCloseable {
  static final int HEADROOM = 256;
  static final int FRAME = 4096;

  record Result(long retval, byte[] data, String trap) {}

  /** One program prepared on one engine, with its own map. */
  record Loaded(String engine, Executable exe, ExecutionContext ctx) {
    Result run(byte[] packet) {
      byte[] frame = new byte[FRAME];
      System.arraycopy(packet, 0, frame, HEADROOM, packet.length);
      XdpBuff x = ctx.xdp();
      x.set(frame, 0, HEADROOM, HEADROOM, HEADROOM + packet.length, FRAME - 320);
      x.ingressIfindex = 1;
      x.rxQueueIndex = 0;
      ctx.syncPacket();
      ctx.resetRun();
      try {
        long r = exe.run(ctx, ExecutionContext.contextPointer());
        XdpBuff after = ctx.xdp();
        int from = Math.min(after.meta, after.data);
        return new Result(r, Arrays.copyOfRange(after.frame, from, after.end), null);
      } catch (TrapException t) {
        return new Result(0, new byte[0], t.getMessage());
      }
    }
  }

  private final MapDefinition map;

  XdpemuRunner(MapDefinition map) {
    this.map = map;
  }

  /** With the verifier's facts (dead code sanitized, proven accesses, maps bound), as the CLI. */
  Loaded load(Insn[] insns, boolean jit, ProgramFacts facts) {
    RegionRegistry regions = new RegionRegistry();
    MapRegistry maps = new MapRegistry(regions, 1);
    BpfMap m = maps.create(map);
    long[] values = new long[insns.length];
    BpfMap[] handles = new BpfMap[insns.length];
    for (int pc = 0; pc + 1 < insns.length; pc++) {
      Insn i = insns[pc];
      if (i.opcode() == Opcodes.LD_IMM64 && i.src() == Opcodes.PSEUDO_MAP_FD) {
        values[pc] = m.handle();
        handles[pc] = m;
      } else if (i.opcode() == Opcodes.LD_IMM64 && i.src() == Opcodes.PSEUDO_MAP_VALUE) {
        values[pc] = ((ArrayMap) m).valuePointer(insns[pc + 1].imm());
      }
    }
    Linkage linkage =
        new Linkage() {
          @Override
          public long ldImm64(int pc) {
            return values[pc];
          }

          @Override
          public Helper kfunc(int pc) {
            return null;
          }

          @Override
          public Object map(int pc) {
            return handles[pc];
          }
        };
    Engine engine = jit ? io.xdpemu.ebpf.engines.Engines.byName("jit") : Engine.INTERPRETER;
    Executable exe =
        engine.prepare(
            new Program(
                "gen", insns, Helpers.registry(new HelperEnvironment(maps, Fib.empty())), linkage),
            facts);
    ExecutionContext ctx = new ExecutionContext(regions);
    ctx.services = maps;
    return new Loaded(engine.name(), exe, ctx);
  }

  @Override
  public void close() {}
}
