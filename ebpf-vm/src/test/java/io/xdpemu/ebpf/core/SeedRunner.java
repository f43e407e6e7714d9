package io.xdpemu.ebpf.core;

import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.ebpf.elf.ProgramSpec;
import io.xdpemu.ebpf.helpers.Fib;
import io.xdpemu.ebpf.helpers.HelperEnvironment;
import io.xdpemu.ebpf.helpers.Helpers;
import io.xdpemu.ebpf.maps.MapDefinition;
import io.xdpemu.ebpf.maps.MapRegistry;
import io.xdpemu.ebpf.vm.AddressSpace;
import io.xdpemu.ebpf.vm.Engine;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.Helper;
import io.xdpemu.ebpf.vm.HelperRegistry;
import io.xdpemu.ebpf.vm.Linkage;
import io.xdpemu.ebpf.vm.Program;
import io.xdpemu.ebpf.vm.Region;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a relocated seed program once in xdpemu's interpreter the way BPF_PROG_TEST_RUN runs it:
 * global data as map value regions, metadata right before the packet (256-byte headroom), the
 * project's helpers ({@code bpf_probe_read_kernel} over simulated kernel memory). Only global data
 * is linked (all the seed and the selftests use); the full load pipeline lives in xdp-runtime.
 */
final class SeedRunner {
  private SeedRunner() {}

  record Run(long retval, byte[] dataOut, byte[] bss) {}

  static final int HEADROOM = 256;

  /** Runs a program that takes no packet (raw_tp, tp_btf) with .bss preset to {@code bss}. */
  static Run runWithoutPacket(BpfObject obj, RelocatedProgram p, byte[] bssInput) {
    return run(obj, p, null, null, ctx -> {}, bssInput);
  }

  static Run run(
      BpfObject obj,
      RelocatedProgram p,
      byte[] meta,
      byte[] packet,
      Consumer<ExecutionContext> setup) {
    return run(obj, p, meta, packet, setup, null);
  }

  private static Run run(
      BpfObject obj,
      RelocatedProgram p,
      byte[] meta,
      byte[] packet,
      Consumer<ExecutionContext> setup,
      byte[] bssInput) {
    RegionRegistry shared = new RegionRegistry();
    Map<Integer, Integer> regionOfMap = new HashMap<>();
    Map<Integer, byte[]> valueOfMap = new HashMap<>();
    for (int i = 0; i < obj.maps().size(); i++) {
      MapDefinition m = obj.maps().get(i);
      if (m.initialData() != null) {
        byte[] value = Arrays.copyOf(m.initialData(), m.valueSize());
        if (bssInput != null && m.name().equals(".bss")) {
          System.arraycopy(bssInput, 0, value, 0, Math.min(bssInput.length, value.length));
        }
        valueOfMap.put(i, value);
        regionOfMap.put(i, shared.register(new Region(m.name(), Region.Kind.MAP_VALUE, value)));
      }
    }
    Linkage linkage =
        new Linkage() {
          @Override
          public long ldImm64(int pc) {
            for (ProgramSpec.MapReference r : p.spec().mapReferences()) {
              if (r.pc() == pc && r.value()) {
                return AddressSpace.pointer(regionOfMap.get(r.mapIndex()), r.offset());
              }
            }
            throw new IllegalStateException("no global data at pc " + pc);
          }

          @Override
          public Helper kfunc(int pc) {
            return null;
          }
        };
    // the project's helpers (bpf_probe_read_kernel reads regions and simulated kernel memory)
    HelperRegistry helpers =
        Helpers.registry(new HelperEnvironment(new MapRegistry(shared, 1), Fib.empty()));
    Program prog = new Program(p.spec().name(), p.insns(), helpers, linkage);
    ExecutionContext ctx = new ExecutionContext(shared);
    setup.accept(ctx);
    int bss = obj.maps().indexOf(obj.map(".bss"));
    if (packet == null) {
      long r0 = Engine.INTERPRETER.prepare(prog).run(ctx, 0);
      return new Run(r0, new byte[0], bss < 0 ? new byte[0] : valueOfMap.get(bss));
    }
    byte[] frame = new byte[HEADROOM + packet.length + 320];
    int metaStart = HEADROOM - meta.length;
    System.arraycopy(meta, 0, frame, metaStart, meta.length);
    System.arraycopy(packet, 0, frame, HEADROOM, packet.length);
    ctx.xdp().set(frame, 0, metaStart, HEADROOM, HEADROOM + packet.length, frame.length);
    ctx.syncPacket();
    long r0 = Engine.INTERPRETER.prepare(prog).run(ctx, ExecutionContext.contextPointer());
    byte[] out = Arrays.copyOfRange(frame, ctx.xdp().meta, ctx.xdp().end);
    return new Run(r0, out, bss < 0 ? new byte[0] : valueOfMap.get(bss));
  }
}
