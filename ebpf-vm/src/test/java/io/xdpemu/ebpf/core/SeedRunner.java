package io.xdpemu.ebpf.core;

import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.ebpf.elf.ProgramSpec;
import io.xdpemu.ebpf.maps.MapDefinition;
import io.xdpemu.ebpf.vm.AddressSpace;
import io.xdpemu.ebpf.vm.Engine;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.Helper;
import io.xdpemu.ebpf.vm.HelperRegistry;
import io.xdpemu.ebpf.vm.Linkage;
import io.xdpemu.ebpf.vm.MemoryAccess;
import io.xdpemu.ebpf.vm.Program;
import io.xdpemu.ebpf.vm.Region;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a relocated seed program once in xdpemu's interpreter the way BPF_PROG_TEST_RUN runs it:
 * global data as map value regions, metadata right before the packet (256-byte headroom), and
 * {@code bpf_probe_read_kernel} over simulated kernel memory. Only what the seed needs; the load
 * pipeline with every map type and helper lives in xdp-runtime.
 */
final class SeedRunner {
  private SeedRunner() {}

  record Run(long retval, byte[] dataOut, byte[] bss) {}

  static final int HEADROOM = 256;

  /**
   * bpf_probe_read_kernel (helper 113): copy from simulated kernel memory, or from a program-
   * visible object (map value, stack: kernel memory too in the real kernel), zero-fill on failure.
   */
  static final Helper PROBE_READ_KERNEL = (ctx, dst, size, src, r4, r5) -> {
    byte[] tmp = new byte[(int) size];
    int ret;
    Region r = ctx.memory().region(src);
    if (r != null && r.contains(AddressSpace.offset(src), (int) size)) {
      for (int i = 0; i < tmp.length; i++) {
        tmp[i] = (byte) MemoryAccess.load8(ctx, src + i, ctx.pc);
      }
      ret = 0;
    } else {
      ret = ctx.kernel.read(src, tmp, 0, (int) size);
    }
    for (int i = 0; i < tmp.length; i++) {
      MemoryAccess.store8(ctx, dst + i, tmp[i], ctx.pc);
    }
    return ret;
  };

  /** Runs a program that takes no packet (raw_tp, tp_btf) with .bss preset to {@code bss}. */
  static Run runWithoutPacket(BpfObject obj, RelocatedProgram p, byte[] bssInput) {
    return run(obj, p, null, null, ctx -> {}, bssInput);
  }

  static Run run(BpfObject obj, RelocatedProgram p, byte[] meta, byte[] packet,
      Consumer<ExecutionContext> setup) {
    return run(obj, p, meta, packet, setup, null);
  }

  private static Run run(BpfObject obj, RelocatedProgram p, byte[] meta, byte[] packet,
      Consumer<ExecutionContext> setup, byte[] bssInput) {
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
    Linkage linkage = new Linkage() {
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
    HelperRegistry helpers = new HelperRegistry().register(113, "probe_read_kernel",
        PROBE_READ_KERNEL);
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
