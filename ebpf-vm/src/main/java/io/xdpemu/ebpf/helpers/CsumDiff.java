package io.xdpemu.ebpf.helpers;

import io.xdpemu.ebpf.maps.Errno;

/**
 * bpf_csum_diff (net/core/filter.c): the 32-bit one's-complement sum of the seed, the complement
 * of every 32-bit word of {@code from} and every word of {@code to}, as x86-64 csum_partial()
 * computes it (words added with end-around carry, folded 64 to 32 bits). Sizes must be multiples
 * of 4 and together at most 512 bytes (the per-CPU scratchpad), else -EINVAL.
 */
public final class CsumDiff {
  public static final int MAX_DIFF = 512;

  private CsumDiff() {}

  /** The helper's return value (a negative errno or the unsigned 32-bit sum). */
  public static long compute(byte[] from, byte[] to, long seed) {
    if (((from.length | to.length) & 3) != 0 || from.length + to.length > MAX_DIFF) {
      return -Errno.EINVAL;
    }
    long sum = seed & 0xffffffffL;
    for (int i = 0; i < from.length; i += 4) {
      sum += ~le32(from, i) & 0xffffffffL;
    }
    for (int i = 0; i < to.length; i += 4) {
      sum += le32(to, i) & 0xffffffffL;
    }
    while ((sum >>> 32) != 0) {
      sum = (sum & 0xffffffffL) + (sum >>> 32);
    }
    return sum;
  }

  /** The 16-bit checksum a program stores after folding (csum_fold). */
  public static int fold(long csum) {
    long s = csum & 0xffffffffL;
    s = (s & 0xffff) + (s >>> 16);
    s = (s & 0xffff) + (s >>> 16);
    return (int) (~s & 0xffff);
  }

  private static int le32(byte[] b, int o) {
    return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
  }
}
