package io.xdpemu.verifier;

/**
 * Keeps a register's five views of its value consistent: tnum, s64/u64 and s32/u32 bounds. Mirrors
 * {@code reg_bounds_sync()} and its helpers in kernel/bpf/verifier.c (__update_reg_bounds,
 * __reg_deduce_bounds, __reg_bound_offset), including the 32/64-bit cross deductions.
 */
final class Bounds {
  private Bounds() {}

  static final long S32_MIN = Integer.MIN_VALUE;
  static final long S32_MAX = Integer.MAX_VALUE;
  static final long U32_MAX = 0xffffffffL;

  static long umax(long a, long b) {
    return Long.compareUnsigned(a, b) >= 0 ? a : b;
  }

  static long umin(long a, long b) {
    return Long.compareUnsigned(a, b) <= 0 ? a : b;
  }

  static int u32max(int a, int b) {
    return Integer.compareUnsigned(a, b) >= 0 ? a : b;
  }

  static int u32min(int a, int b) {
    return Integer.compareUnsigned(a, b) <= 0 ? a : b;
  }

  static boolean ule(long a, long b) {
    return Long.compareUnsigned(a, b) <= 0;
  }

  static boolean ult(long a, long b) {
    return Long.compareUnsigned(a, b) < 0;
  }

  static boolean ule32(int a, int b) {
    return Integer.compareUnsigned(a, b) <= 0;
  }

  static boolean ult32(int a, int b) {
    return Integer.compareUnsigned(a, b) < 0;
  }

  static void updateBounds(RegState r) {
    Tnum v = r.varOff;
    // the low 32 bits of var_off (tnum_subreg), without allocating a Tnum: this runs per insn
    long v32v = v.value() & U32_MAX;
    long v32m = v.mask() & U32_MAX;
    r.s32min = Math.max(r.s32min, (int) (v32v | (v32m & 0x80000000L)));
    r.s32max = Math.min(r.s32max, (int) (v32v | (v32m & 0x7fffffffL)));
    r.u32min = u32max(r.u32min, (int) v32v);
    r.u32max = u32min(r.u32max, (int) (v32v | v32m));
    r.smin = Math.max(r.smin, v.value() | (v.mask() & Long.MIN_VALUE));
    r.smax = Math.min(r.smax, v.value() | (v.mask() & Long.MAX_VALUE));
    r.umin = umax(r.umin, v.value());
    r.umax = umin(r.umax, v.value() | v.mask());
    singleMember(r, v);
  }

  /**
   * Where the u64 range and the tnum have one value in common, the register is that constant (the
   * kernel's __update_reg64_bounds() since "Improve bounds when tnum has a single possible value"):
   * e.g. {@code r &= 2; if r != 0} leaves exactly 2.
   */
  private static void singleMember(RegState r, Tnum v) {
    long next = v.next(r.umin);
    boolean uminIn = (r.umin & ~v.mask()) == v.value();
    long max = v.value() | v.mask();
    if (uminIn && ult(r.umax, next)) {
      known(r, r.umin);
    } else if (!uminIn && next == max) {
      known(r, max);
    } else if (!uminIn && ule(next, r.umax) && ult(r.umax, v.next(next))) {
      known(r, next);
    }
  }

  /** ___mark_reg_known(): the value is {@code imm}; type, offset and ids stay. */
  private static void known(RegState r, long imm) {
    r.varOff = Tnum.constant(imm);
    r.smin = imm;
    r.smax = imm;
    r.umin = imm;
    r.umax = imm;
    r.s32min = (int) imm;
    r.s32max = (int) imm;
    r.u32min = (int) imm;
    r.u32max = (int) imm;
  }

  private static void deduce32(RegState r) {
    if ((r.umin >>> 32) == (r.umax >>> 32)) {
      r.u32min = u32max(r.u32min, (int) r.umin);
      r.u32max = u32min(r.u32max, (int) r.umax);
      if ((int) r.umin <= (int) r.umax) {
        r.s32min = Math.max(r.s32min, (int) r.umin);
        r.s32max = Math.min(r.s32max, (int) r.umax);
      }
    }
    if ((r.smin >> 32) == (r.smax >> 32)) {
      if (ule32((int) r.smin, (int) r.smax)) {
        r.u32min = u32max(r.u32min, (int) r.smin);
        r.u32max = u32min(r.u32max, (int) r.smax);
      }
      if ((int) r.smin <= (int) r.smax) {
        r.s32min = Math.max(r.s32min, (int) r.smin);
        r.s32max = Math.min(r.s32max, (int) r.smax);
      }
    }
    if ((int) ((r.umin >>> 32) + 1) == (int) (r.umax >>> 32)
        && (int) r.umin < 0
        && (int) r.umax >= 0) {
      r.s32min = Math.max(r.s32min, (int) r.umin);
      r.s32max = Math.min(r.s32max, (int) r.umax);
    }
    if ((int) ((r.smin >> 32) + 1) == (int) (r.smax >> 32)
        && (int) r.smin < 0
        && (int) r.smax >= 0) {
      r.s32min = Math.max(r.s32min, (int) r.smin);
      r.s32max = Math.min(r.s32max, (int) r.smax);
    }
    if (r.u32min <= r.u32max) { // as signed
      r.s32min = Math.max(r.s32min, r.u32min);
      r.s32max = Math.min(r.s32max, r.u32max);
    }
    if (ule32(r.s32min, r.s32max)) {
      r.u32min = u32max(r.s32min, r.u32min);
      r.u32max = u32min(r.s32max, r.u32max);
    } else {
      if (ult32(r.u32max, r.s32min)) {
        r.s32min = r.u32min;
        r.u32max = u32min(r.u32max, r.s32max);
      } else if (ult32(r.s32max, r.u32min)) {
        r.s32max = r.u32max;
        r.u32min = u32max(r.u32min, r.s32min);
      }
    }
  }

  private static void deduce64(RegState r) {
    if (r.umin <= r.umax) { // as signed
      r.smin = Math.max(r.smin, r.umin);
      r.smax = Math.min(r.smax, r.umax);
    }
    if (ule(r.smin, r.smax)) {
      r.umin = umax(r.smin, r.umin);
      r.umax = umin(r.smax, r.umax);
    } else {
      if (ult(r.umax, r.smin)) {
        r.smin = r.umin;
        r.umax = umin(r.umax, r.smax);
      } else if (ult(r.smax, r.umin)) {
        r.smax = r.umax;
        r.umin = umax(r.umin, r.smin);
      }
    }
  }

  private static void deduceMixed(RegState r) {
    long hiMask = ~0xffffffffL;
    long newUmin = (r.umin & hiMask) | (r.u32min & U32_MAX);
    long newUmax = (r.umax & hiMask) | (r.u32max & U32_MAX);
    r.umin = umax(r.umin, newUmin);
    r.umax = umin(r.umax, newUmax);
    long newSmin = (r.smin & hiMask) | (r.u32min & U32_MAX);
    long newSmax = (r.smax & hiMask) | (r.u32max & U32_MAX);
    r.smin = Math.max(r.smin, newSmin);
    r.smax = Math.min(r.smax, newSmax);
    if (ule32(r.s32min, r.s32max)) {
      newUmin = (r.umin & hiMask) | (r.s32min & U32_MAX);
      newUmax = (r.umax & hiMask) | (r.s32max & U32_MAX);
      r.umin = umax(r.umin, newUmin);
      r.umax = umin(r.umax, newUmax);
      newSmin = (r.smin & hiMask) | (r.s32min & U32_MAX);
      newSmax = (r.smax & hiMask) | (r.s32max & U32_MAX);
      r.smin = Math.max(r.smin, newSmin);
      r.smax = Math.min(r.smax, newSmax);
    }
    if (r.s32min >= 0 && r.smin >= S32_MIN && r.smax <= S32_MAX) {
      r.smin = r.s32min;
      r.smax = r.s32max;
      r.umin = r.s32min;
      r.umax = r.s32max;
      r.varOff = intersectRange(r.varOff, r.smin, r.smax);
    }
  }

  /**
   * The mask of tnum_range(min, max): the bits below the highest bit where min and max differ, or
   * every bit when that is bit 63 (the range's value is then {@code min & ~mask}).
   */
  private static long rangeMask(long min, long max) {
    int bits = 64 - Long.numberOfLeadingZeros(min ^ max);
    return bits > 63 ? -1L : (1L << bits) - 1;
  }

  /**
   * {@code t.intersect(Tnum.range(min, max))} computed on longs, returning {@code t} itself when
   * nothing changes: reg_bounds_sync() runs on every ALU and branch, and mostly learns nothing.
   */
  static Tnum intersectRange(Tnum t, long min, long max) {
    long rm = rangeMask(min, max);
    long m = t.mask() & rm;
    long v = (t.value() | (min & ~rm)) & ~m;
    return v == t.value() && m == t.mask() ? t : new Tnum(v, m);
  }

  static void deduceBounds(RegState r) {
    deduce32(r);
    deduce64(r);
    deduceMixed(r);
  }

  /**
   * __reg_bound_offset(): var_off intersected with the 64-bit range, its low half with the 32-bit
   * range. The same steps as {@code v64 = var_off & range(umin, umax); v32 = subreg(v64) &
   * range(u32min, u32max); var_off = clear_subreg(v64) | v32}, on longs, allocating only when
   * var_off changes.
   */
  static void boundOffset(RegState r) {
    Tnum t = r.varOff;
    long rm = rangeMask(r.umin, r.umax);
    long m64 = t.mask() & rm;
    long v64 = (t.value() | (r.umin & ~rm)) & ~m64;
    long lo = r.u32min & U32_MAX;
    long rm32 = rangeMask(lo, r.u32max & U32_MAX);
    long m32 = m64 & U32_MAX & rm32;
    long v32 = ((v64 & U32_MAX) | (lo & ~rm32)) & ~m32;
    long v = (v64 & ~U32_MAX) | v32;
    long m = ((m64 & ~U32_MAX) | m32) & ~v;
    if (v != t.value() || m != t.mask()) {
      r.varOff = new Tnum(v, m);
    }
  }

  /** reg_bounds_sync(). */
  static void sync(RegState r) {
    updateBounds(r);
    deduceBounds(r);
    deduceBounds(r);
    deduceBounds(r);
    boundOffset(r);
    updateBounds(r);
  }

  /** reg_bounds_sanity_check(): an impossible state; the kernel resets it to unbounded. */
  static boolean sane(RegState r) {
    if (ult(r.umax, r.umin)
        || r.smin > r.smax
        || ult32(r.u32max, r.u32min)
        || r.s32min > r.s32max) {
      return false;
    }
    if (r.varOff.isConst()) {
      long u = r.varOff.value();
      if (r.umin != u || r.umax != u || r.smin != u || r.smax != u) {
        return false;
      }
    }
    return true;
  }

  /** __reg_assign_32_into_64: the 64-bit value is the zero-extended 32-bit subregister. */
  static void assign32Into64(RegState r) {
    r.umin = r.u32min & U32_MAX;
    r.umax = r.u32max & U32_MAX;
    if (r.s32min >= 0 && r.s32max >= 0) {
      r.smin = r.s32min;
      r.smax = r.s32max;
    } else {
      r.smin = 0;
      r.smax = U32_MAX;
    }
  }

  /** zext_32_to_64. */
  static void zext32To64(RegState r) {
    r.varOff = r.varOff.subreg();
    assign32Into64(r);
  }

  /** __reg_combine_64_into_32: derive 32-bit bounds from 64-bit ones where they fit. */
  static void combine64Into32(RegState r) {
    r.mark32Unbounded();
    if (r.smin >= S32_MIN && r.smax <= S32_MAX) {
      r.s32min = (int) r.smin;
      r.s32max = (int) r.smax;
    }
    if (ule(r.umin, U32_MAX) && ule(r.umax, U32_MAX)) {
      r.u32min = (int) r.umin;
      r.u32max = (int) r.umax;
    }
    sync(r);
  }
}
