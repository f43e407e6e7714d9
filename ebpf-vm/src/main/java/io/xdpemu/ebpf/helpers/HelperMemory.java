package io.xdpemu.ebpf.helpers;

import io.xdpemu.ebpf.vm.AddressSpace;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.Region;

/**
 * Program memory as helpers see it: every access goes through {@link AddressSpace#check}, so a bad
 * pointer or an out-of-bounds range from an unverified program is a {@code TrapException} naming
 * the pc, address, size and region, never a JVM exception.
 */
final class HelperMemory {
  private HelperMemory() {}

  static byte[] read(ExecutionContext ctx, long addr, int size) {
    byte[] out = new byte[size];
    if (size == 0) {
      return out;
    }
    Region r = ctx.memory().check(ctx.pc, addr, size, false);
    System.arraycopy(r.bytes(), AddressSpace.offset(addr), out, 0, size);
    return out;
  }

  /**
   * The bytes behind {@code [addr, addr+size)}, checked, for a helper that works in place at {@code
   * AddressSpace.offset(addr)}; an empty array for size 0 (nothing to check, as {@link #read}).
   */
  static byte[] bytesOf(ExecutionContext ctx, long addr, int size, boolean write) {
    if (size == 0) {
      return EMPTY;
    }
    return ctx.memory().check(ctx.pc, addr, size, write).bytes();
  }

  private static final byte[] EMPTY = new byte[0];

  /**
   * Like {@link #read}, into the context's reusable key array of exactly {@code size} bytes: for a
   * key used only while the helper runs (a map lookup never keeps it), so the per-packet lookup
   * allocates nothing. Not for keys a map stores (updates copy theirs).
   */
  static byte[] readKey(ExecutionContext ctx, long addr, int size) {
    byte[] out = ctx.keyScratch(size);
    if (size == 0) {
      return out;
    }
    Region r = ctx.memory().check(ctx.pc, addr, size, false);
    System.arraycopy(r.bytes(), AddressSpace.offset(addr), out, 0, size);
    return out;
  }

  static void write(ExecutionContext ctx, long addr, byte[] src, int srcOff, int size) {
    if (size == 0) {
      return;
    }
    Region r = ctx.memory().check(ctx.pc, addr, size, true);
    System.arraycopy(src, srcOff, r.bytes(), AddressSpace.offset(addr), size);
  }

  static void write(ExecutionContext ctx, long addr, byte[] src) {
    write(ctx, addr, src, 0, src.length);
  }

  static void writeU32(ExecutionContext ctx, long addr, long v) {
    write(ctx, addr, new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)});
  }

  static void writeU64(ExecutionContext ctx, long addr, long v) {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (v >>> (8 * i));
    }
    write(ctx, addr, b);
  }

  static long readU32(ExecutionContext ctx, long addr) {
    byte[] b = read(ctx, addr, 4);
    return (b[0] & 0xffL) | (b[1] & 0xffL) << 8 | (b[2] & 0xffL) << 16 | (b[3] & 0xffL) << 24;
  }

  /** True when {@code [addr, addr+size)} is a valid range of some region of this context. */
  static boolean mapped(ExecutionContext ctx, long addr, int size) {
    Region r = ctx.memory().region(addr);
    return r != null && r.contains(AddressSpace.offset(addr) & 0xffffffffL, size);
  }

  /** A helper argument that the kernel declares as a size (u32), checked to fit an int array. */
  static int size(ExecutionContext ctx, long value, String what) {
    if (value < 0 || value > Integer.MAX_VALUE) {
      throw new io.xdpemu.ebpf.vm.TrapException(ctx.pc, what + " " + value + " is not a size");
    }
    return (int) value;
  }
}
