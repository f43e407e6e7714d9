package io.xdpemu.ebpf.helpers;

import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.ebpf.maps.MapDefinition;
import io.xdpemu.ebpf.maps.MapRegistry;
import io.xdpemu.ebpf.vm.AddressSpace;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.Helper;
import io.xdpemu.ebpf.vm.HelperRegistry;
import io.xdpemu.ebpf.vm.RegionRegistry;

/**
 * Calls helpers the way a program does: arguments are registers, memory arguments live on the
 * program's stack (allocated downwards from r10), the frame is a BPF_PROG_TEST_RUN-shaped xdp_buff
 * (256 bytes of headroom, frame_sz 4096).
 */
final class Harness {
  final RegionRegistry regions = new RegionRegistry();
  final MapRegistry maps;
  final HelperRegistry helpers;
  final ExecutionContext ctx;
  private int sp = ExecutionContext.FRAME_STACK * ExecutionContext.MAX_FRAMES;

  Harness(int cpus, Fib fib) {
    maps = new MapRegistry(regions, cpus);
    helpers = Helpers.registry(new HelperEnvironment(maps, fib));
    ctx = new ExecutionContext(regions);
  }

  Harness() {
    this(2, Fib.empty());
  }

  static MapDefinition def(String name, int type, int key, int value, int max, int flags) {
    return new MapDefinition(name, type, key, value, max, flags, 0, 0, 0, null, null, null, false);
  }

  BpfMap map(String name, int type, int key, int value, int max, int flags) {
    return maps.create(def(name, type, key, value, max, flags));
  }

  BpfMap map(String name, int type, int key, int value, int max) {
    return map(name, type, key, value, max, 0);
  }

  /** Puts {@code bytes} on the stack (8-byte aligned) and returns its address. */
  long stack(byte[] bytes) {
    sp -= (bytes.length + 7) & ~7;
    System.arraycopy(bytes, 0, ctx.stack().bytes(), sp, bytes.length);
    return AddressSpace.pointer(AddressSpace.STACK, sp);
  }

  long u32(long v) {
    return stack(le(v, 4));
  }

  long u64(long v) {
    return stack(le(v, 8));
  }

  static byte[] le(long v, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (v >>> (8 * i));
    }
    return b;
  }

  byte[] read(long addr, int n) {
    byte[] out = new byte[n];
    System.arraycopy(ctx.memory().region(addr).bytes(), AddressSpace.offset(addr), out, 0, n);
    return out;
  }

  long readLong(long addr, int n) {
    byte[] b = read(addr, n);
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = (v << 8) | (b[i] & 0xff);
    }
    return v;
  }

  long call(int id, long... args) {
    Helper h = helpers.helper(id);
    if (h == null) {
      throw new AssertionError("no helper " + id);
    }
    long[] r = java.util.Arrays.copyOf(args, 5);
    return h.call(ctx, r[0], r[1], r[2], r[3], r[4]);
  }

  long kfunc(String name, long... args) {
    long[] r = java.util.Arrays.copyOf(args, 5);
    return helpers.kfunc(name).call(ctx, r[0], r[1], r[2], r[3], r[4]);
  }

  /** A test-run frame: 256 bytes headroom, the packet, frame_sz 4096 (hard end 3776). */
  void packet(byte[] data) {
    byte[] frame = new byte[4096];
    System.arraycopy(data, 0, frame, 256, data.length);
    ctx.xdp().set(frame, 0, 256, 256, 256 + data.length, 4096 - 320);
    ctx.xdp().ingressIfindex = 1;
    ctx.syncPacket();
  }

  byte[] packetBytes() {
    return java.util.Arrays.copyOfRange(ctx.xdp().frame, ctx.xdp().data, ctx.xdp().end);
  }

  static final long CTX = ExecutionContext.contextPointer();
}
