package io.xdpemu.verifier;

/**
 * Bounds of a sign-extending move ({@code movsx}) and load ({@code ldxs*}): the kernel's {@code
 * coerce_reg_to_sizex()} and {@code coerce_subreg_to_size_sx()}. The range survives only when the
 * bits above the sign bit are the same across the range and the sign-extended ends share a sign;
 * otherwise the result is the full signed range of the source width, with the unsigned bounds
 * unknown: {@code w3 &= 0x80; w3 = (s8)w3} is 0 or 0xffffff80, u32 range [0, 0xffffffff].
 *
 * <p>For {@code (s8)} and {@code (s16)} of a 64-bit register, whose result depends on the low 32
 * bits only, Linux 6.18 also finds the range from the 32-bit signed bounds when the 64-bit ones do
 * not give it: {@code r4 <<= 63; r4 = (s16)r4} is 0 (s32 bounds [0, 0]; the 64-bit ones, [S64_MIN,
 * 0], cross the sign bit). Its log shows "R4=0" there (differential seed 1000157, where a store
 * through {@code fp-64 + r4} was refused as misaligned), yet the full range after {@code r4 <<= 8;
 * r4 = (s8)r4} and a tnum_range, not a sign-extended tnum, after {@code r4 &= 0xe; r4 = (s8)r4}.
 */
final class SignExtension {
  private SignExtension() {}

  /** {@code (s8|s16|s32)} of a 64-bit register. */
  static void toSize64(RegState r, int size) {
    int bits = size * 8;
    if (r.varOff.isConst()) {
      long v = sext(r.varOff.value(), bits);
      r.varOff = Tnum.constant(v);
      r.smin = r.smax = r.umin = r.umax = v;
      r.s32min = r.s32max = (int) v;
      r.u32min = r.u32max = (int) v;
      return;
    }
    if ((r.smax >>> bits) == (r.smin >>> bits) && narrowed(r, r.smin, r.smax, bits)) {
      return;
    }
    if (size < 4
        && (r.s32max >>> bits) == (r.s32min >>> bits)
        && narrowed(r, r.s32min, r.s32max, bits)) {
      return;
    }
    long lo = -(1L << (bits - 1));
    long hi = (1L << (bits - 1)) - 1;
    r.smin = lo;
    r.smax = hi;
    r.umin = 0;
    r.umax = -1L;
    r.varOff = Tnum.UNKNOWN;
    if (size == 4) {
      // (s32): the low 32 bits do not change and the result as s64 is their s32 value, so Linux
      // 6.18 keeps the 32-bit bounds and takes the signed 64-bit ones from them (r2 in [0,
      // 0xa30eeca9] gives smin 0xffffffff80000000, smax 0x230eeca9, umax 0xffffffffa30eeca9)
      r.smin = r.s32min;
      r.smax = r.s32max;
      Bounds.sync(r);
      return;
    }
    r.s32min = (int) lo;
    r.s32max = (int) hi;
    r.u32min = 0;
    r.u32max = -1;
  }

  /**
   * The range of a source range [lo, hi] whose bits above the sign bit are equal, sign-extended,
   * when both ends get the same sign; false (nothing changed) when they do not.
   */
  private static boolean narrowed(RegState r, long lo, long hi, int bits) {
    long a = sext(hi, bits);
    long b = sext(lo, bits);
    long max = Math.max(a, b);
    long min = Math.min(a, b);
    if ((max >= 0) != (min >= 0)) {
      return false;
    }
    r.smin = min;
    r.smax = max;
    r.s32min = (int) min;
    r.s32max = (int) max;
    r.umin = min;
    r.umax = max;
    r.u32min = (int) min;
    r.u32max = (int) max;
    r.varOff = Tnum.range(min, max);
    return true;
  }

  /** {@code (s8|s16)} of the low 32 bits; the caller zero-extends to 64 and syncs. */
  static void toSize32(RegState r, int size) {
    int bits = size * 8;
    if (r.varOff.isConst()) {
      int v = (int) sext(r.varOff.value(), bits);
      r.varOff = Tnum.constant(v); // sign-extended to 64 bits, as tnum_const((s8)v); zext follows
      r.s32min = r.s32max = v;
      r.u32min = r.u32max = v;
      return;
    }
    if ((r.s32max >>> bits) == (r.s32min >>> bits)) {
      int a = (int) sext(r.s32max, bits);
      int b = (int) sext(r.s32min, bits);
      int max = Math.max(a, b);
      int min = Math.min(a, b);
      if ((min >= 0) == (max >= 0)) {
        r.s32min = min;
        r.s32max = max;
        r.u32min = min;
        r.u32max = max;
        r.varOff = Tnum.range(min, max).subreg();
        return;
      }
    }
    r.s32min = bits == 8 ? Byte.MIN_VALUE : Short.MIN_VALUE;
    r.s32max = bits == 8 ? Byte.MAX_VALUE : Short.MAX_VALUE;
    r.u32min = 0;
    r.u32max = -1;
    r.varOff = Tnum.UNKNOWN.subreg();
  }

  private static long sext(long v, int bits) {
    return (v << (64 - bits)) >> (64 - bits);
  }
}
