package io.xdpemu.ebpf.helpers;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * bpf_csum_diff (net/core/filter.c, Linux 6.18), measured against the running kernel by
 * examples/maps/helpers_csum.c:
 *
 * <pre>
 *   from_size && to_size : csum_from32to16(csum_sub(csum_partial(to, seed), csum_partial(from, 0)))
 *   to_size only         : csum_from32to16(csum_partial(to, seed))
 *   from_size only       : csum_from32to16(~csum_partial(from, ~seed))
 *   neither              : csum_from32to16(seed)   (0x12345678 -> 0x68ac, 0x80000000 -> 0x8000)
 * </pre>
 *
 * So the result is folded to 16 bits and any sizes are accepted (older kernels returned the 32-bit
 * sum and wanted multiples of 4). csum_partial() here is the x86-64 one: a one's-complement sum of
 * little-endian words with end-around carry (the trailing bytes zero-padded), seeded with a 32-bit
 * value; only the value mod 0xffffffff and the fact that it is 0 only for all-zero input matter for
 * the folded result, and this computes exactly that.
 */
public final class CsumDiff {
  private CsumDiff() {}

  /** The helper's return value. */
  public static long compute(byte[] from, byte[] to, long seed) {
    return compute(from, 0, from.length, to, 0, to.length, seed);
  }

  /**
   * The helper's return value over {@code from[fromOff..+fromLen)} and {@code to[toOff..+toLen)},
   * read in place (the program's own memory: no copy per call).
   */
  public static long compute(
      byte[] from, int fromOff, int fromLen, byte[] to, int toOff, int toLen, long seed) {
    long s = seed & 0xffffffffL;
    if (fromLen > 0 && toLen > 0) {
      return from32to16(
          csumSub(csumPartial(to, toOff, toLen, s), csumPartial(from, fromOff, fromLen, 0)));
    }
    if (toLen > 0) {
      return from32to16(csumPartial(to, toOff, toLen, s));
    }
    if (fromLen > 0) {
      return from32to16(~csumPartial(from, fromOff, fromLen, ~s & 0xffffffffL) & 0xffffffffL);
    }
    return from32to16(s);
  }

  /** x86-64 csum_partial(): 32-bit one's-complement sum of {@code b} plus {@code seed}. */
  public static long csumPartial(byte[] b, long seed) {
    return csumPartial(b, 0, b.length, seed);
  }

  /**
   * csum_partial() of {@code b[off..off+len)}: whole little-endian words read four bytes at a time
   * (a per-byte loop was 70% of xdp_bounce's run time), the tail zero-padded.
   */
  static long csumPartial(byte[] b, int off, int len, long seed) {
    long sum = seed & 0xffffffffL;
    int words = len & ~3;
    for (int i = 0; i < words; i += 4) {
      sum += (int) LE_INT.get(b, off + i) & 0xffffffffL;
    }
    long w = 0;
    for (int j = words; j < len; j++) {
      w |= (b[off + j] & 0xffL) << (8 * (j - words));
    }
    sum += w;
    while ((sum >>> 32) != 0) {
      sum = (sum & 0xffffffffL) + (sum >>> 32);
    }
    return sum;
  }

  private static final VarHandle LE_INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  /** csum_add() with end-around carry, 32 bits. */
  static long csumAdd(long a, long b) {
    long s = (a & 0xffffffffL) + (b & 0xffffffffL);
    return (s & 0xffffffffL) + (s >>> 32);
  }

  static long csumSub(long a, long b) {
    return csumAdd(a, ~b & 0xffffffffL);
  }

  /** csum_from32to16() (include/net/checksum.h): add the halves with end-around carry. */
  static long from32to16(long sum) {
    long s = sum & 0xffffffffL;
    long rotated = ((s >>> 16) | (s << 16)) & 0xffffffffL;
    return ((s + rotated) & 0xffffffffL) >>> 16;
  }

  /** The 16-bit checksum a program stores after folding (csum_fold). */
  public static int fold(long csum) {
    long s = csum & 0xffffffffL;
    s = (s & 0xffff) + (s >>> 16);
    s = (s & 0xffff) + (s >>> 16);
    return (int) (~s & 0xffff);
  }
}
