package io.xdpemu.verifier;

import static io.xdpemu.verifier.Bounds.U32_MAX;
import static io.xdpemu.verifier.Bounds.ult;
import static io.xdpemu.verifier.Bounds.ult32;

import io.xdpemu.ebpf.isa.Opcodes;

/**
 * Transfer functions for scalar ALU operations: {@code adjust_scalar_min_max_vals()} and the {@code
 * scalar(32)_min_max_*} family of kernel/bpf/verifier.c. Results are sound over-approximations:
 * when the kernel gives up on a bound it becomes unbounded here too.
 */
final class ScalarAlu {
  private ScalarAlu() {}

  /** is_safe_to_compute_dst_reg_range(). */
  static boolean safeToCompute(int op, boolean alu32, RegState src) {
    boolean srcConst;
    if (alu32) {
      srcConst =
          src.varOff.subreg().isConst() && src.s32min == src.s32max && src.u32min == src.u32max;
    } else {
      srcConst = src.varOff.isConst() && src.smin == src.smax && src.umin == src.umax;
    }
    switch (op) {
      case Opcodes.ADD:
      case Opcodes.SUB:
      case Opcodes.AND:
      case Opcodes.XOR:
      case Opcodes.OR:
      case Opcodes.MUL:
        return true;
      case Opcodes.LSH:
      case Opcodes.RSH:
      case Opcodes.ARSH:
        return srcConst && ult(src.umax, alu32 ? 32 : 64);
      default:
        return false;
    }
  }

  /** adjust_scalar_min_max_vals() without the fork of maybe_fork_scalars (done by the caller). */
  static void apply(int op, boolean alu32, RegState dst, RegState src) {
    if (!safeToCompute(op, alu32, src)) {
      dst.markUnknown();
      return;
    }
    switch (op) {
      case Opcodes.ADD:
        add32(dst, src);
        add64(dst, src);
        dst.varOff = dst.varOff.add(src.varOff);
        break;
      case Opcodes.SUB:
        sub32(dst, src);
        sub64(dst, src);
        dst.varOff = dst.varOff.sub(src.varOff);
        break;
      case Opcodes.MUL:
        dst.varOff = dst.varOff.mul(src.varOff);
        mul32(dst, src);
        mul64(dst, src);
        break;
      case Opcodes.AND:
        dst.varOff = dst.varOff.and(src.varOff);
        and32(dst, src);
        and64(dst, src);
        break;
      case Opcodes.OR:
        dst.varOff = dst.varOff.or(src.varOff);
        or32(dst, src);
        or64(dst, src);
        break;
      case Opcodes.XOR:
        dst.varOff = dst.varOff.xor(src.varOff);
        xor32(dst, src);
        xor64(dst, src);
        break;
      case Opcodes.LSH:
        if (alu32) {
          lsh32(dst, src);
        } else {
          lsh64(dst, src);
        }
        break;
      case Opcodes.RSH:
        if (alu32) {
          rsh32(dst, src);
        } else {
          rsh64(dst, src);
        }
        break;
      case Opcodes.ARSH:
        if (alu32) {
          arsh32(dst, src);
        } else {
          arsh64(dst, src);
        }
        break;
      default:
        break;
    }
    if (alu32) {
      Bounds.zext32To64(dst);
    }
    Bounds.sync(dst);
  }

  /** scalar32_min_max_add + scalar_min_max_add, without the tnum part. */
  static void addBounds(RegState d, RegState s) {
    add32(d, s);
    add64(d, s);
  }

  private static void add32(RegState d, RegState s) {
    long a = (long) d.s32min + s.s32min;
    long b = (long) d.s32max + s.s32max;
    if (a != (int) a || b != (int) b) {
      d.s32min = Integer.MIN_VALUE;
      d.s32max = Integer.MAX_VALUE;
    } else {
      d.s32min = (int) a;
      d.s32max = (int) b;
    }
    // Linux 6.14+: if both or neither unsigned sums wrap, the wrapped interval is exact
    long ua = (d.u32min & U32_MAX) + (s.u32min & U32_MAX);
    long ub = (d.u32max & U32_MAX) + (s.u32max & U32_MAX);
    if (ua <= U32_MAX && ub > U32_MAX) {
      d.u32min = 0;
      d.u32max = -1;
    } else {
      d.u32min = (int) ua;
      d.u32max = (int) ub;
    }
  }

  private static void add64(RegState d, RegState s) {
    long a = d.smin + s.smin;
    long b = d.smax + s.smax;
    boolean ovf = ((d.smin ^ a) & (s.smin ^ a)) < 0 || ((d.smax ^ b) & (s.smax ^ b)) < 0;
    if (ovf) {
      d.smin = Long.MIN_VALUE;
      d.smax = Long.MAX_VALUE;
    } else {
      d.smin = a;
      d.smax = b;
    }
    long ua = d.umin + s.umin;
    long ub = d.umax + s.umax;
    boolean minOverflow = ult(ua, d.umin);
    boolean maxOverflow = ult(ub, d.umax);
    if (!minOverflow && maxOverflow) {
      d.umin = 0;
      d.umax = -1L;
    } else {
      d.umin = ua;
      d.umax = ub;
    }
  }

  private static void sub32(RegState d, RegState s) {
    long a = (long) d.s32min - s.s32max;
    long b = (long) d.s32max - s.s32min;
    if (a != (int) a || b != (int) b) {
      d.s32min = Integer.MIN_VALUE;
      d.s32max = Integer.MAX_VALUE;
    } else {
      d.s32min = (int) a;
      d.s32max = (int) b;
    }
    boolean minUnderflow = ult32(d.u32min, s.u32max);
    boolean maxUnderflow = ult32(d.u32max, s.u32min);
    if (minUnderflow && !maxUnderflow) {
      d.u32min = 0;
      d.u32max = -1;
    } else {
      d.u32min -= s.u32max;
      d.u32max -= s.u32min;
    }
  }

  private static void sub64(RegState d, RegState s) {
    long a = d.smin - s.smax;
    long b = d.smax - s.smin;
    boolean ovf = ((d.smin ^ s.smax) & (d.smin ^ a)) < 0 || ((d.smax ^ s.smin) & (d.smax ^ b)) < 0;
    if (ovf) {
      d.smin = Long.MIN_VALUE;
      d.smax = Long.MAX_VALUE;
    } else {
      d.smin = a;
      d.smax = b;
    }
    boolean minUnderflow = ult(d.umin, s.umax);
    boolean maxUnderflow = ult(d.umax, s.umin);
    if (minUnderflow && !maxUnderflow) {
      d.umin = 0;
      d.umax = -1L;
    } else {
      d.umin -= s.umax;
      d.umax -= s.umin;
    }
  }

  private static void mul32(RegState d, RegState s) {
    if (s.s32min < 0 || d.s32min < 0) {
      d.mark32Unbounded();
      return;
    }
    if ((s.u32max & U32_MAX) > 0xffff || (d.u32max & U32_MAX) > 0xffff) {
      d.mark32Unbounded();
      return;
    }
    d.u32min *= s.u32min;
    d.u32max *= s.u32max;
    if ((d.u32max & U32_MAX) > Integer.MAX_VALUE) {
      d.s32min = Integer.MIN_VALUE;
      d.s32max = Integer.MAX_VALUE;
    } else {
      d.s32min = d.u32min;
      d.s32max = d.u32max;
    }
  }

  private static void mul64(RegState d, RegState s) {
    if (s.smin < 0 || d.smin < 0) {
      d.mark64Unbounded();
      return;
    }
    if (ult(U32_MAX, s.umax) || ult(U32_MAX, d.umax)) {
      d.mark64Unbounded();
      return;
    }
    d.umin *= s.umin;
    d.umax *= s.umax;
    if (d.umax < 0) {
      d.smin = Long.MIN_VALUE;
      d.smax = Long.MAX_VALUE;
    } else {
      d.smin = d.umin;
      d.smax = d.umax;
    }
  }

  private static void signed32FromUnsigned(RegState d) {
    if (d.u32min <= d.u32max) {
      d.s32min = d.u32min;
      d.s32max = d.u32max;
    } else {
      d.s32min = Integer.MIN_VALUE;
      d.s32max = Integer.MAX_VALUE;
    }
  }

  private static void signed64FromUnsigned(RegState d) {
    if (d.umin <= d.umax) {
      d.smin = d.umin;
      d.smax = d.umax;
    } else {
      d.smin = Long.MIN_VALUE;
      d.smax = Long.MAX_VALUE;
    }
  }

  private static void and32(RegState d, RegState s) {
    Tnum v32 = d.varOff.subreg();
    if (s.varOff.subreg().isConst() && v32.isConst()) {
      d.markKnown32((int) v32.value());
      return;
    }
    d.u32min = (int) v32.value();
    d.u32max = Bounds.u32min(d.u32max, s.u32max);
    signed32FromUnsigned(d);
  }

  private static void and64(RegState d, RegState s) {
    if (s.varOff.isConst() && d.varOff.isConst()) {
      d.markKnown(d.varOff.value());
      return;
    }
    d.umin = d.varOff.value();
    d.umax = Bounds.umin(d.umax, s.umax);
    signed64FromUnsigned(d);
    Bounds.updateBounds(d);
  }

  private static void or32(RegState d, RegState s) {
    Tnum v32 = d.varOff.subreg();
    if (s.varOff.subreg().isConst() && v32.isConst()) {
      d.markKnown32((int) v32.value());
      return;
    }
    d.u32min = Bounds.u32max(d.u32min, s.u32min);
    d.u32max = (int) (v32.value() | v32.mask());
    signed32FromUnsigned(d);
  }

  private static void or64(RegState d, RegState s) {
    if (s.varOff.isConst() && d.varOff.isConst()) {
      d.markKnown(d.varOff.value());
      return;
    }
    d.umin = Bounds.umax(d.umin, s.umin);
    d.umax = d.varOff.value() | d.varOff.mask();
    signed64FromUnsigned(d);
    Bounds.updateBounds(d);
  }

  private static void xor32(RegState d, RegState s) {
    Tnum v32 = d.varOff.subreg();
    if (s.varOff.subreg().isConst() && v32.isConst()) {
      d.markKnown32((int) v32.value());
      return;
    }
    d.u32min = (int) v32.value();
    d.u32max = (int) (v32.value() | v32.mask());
    signed32FromUnsigned(d);
  }

  private static void xor64(RegState d, RegState s) {
    if (s.varOff.isConst() && d.varOff.isConst()) {
      d.markKnown(d.varOff.value());
      return;
    }
    d.umin = d.varOff.value();
    d.umax = d.varOff.value() | d.varOff.mask();
    signed64FromUnsigned(d);
    Bounds.updateBounds(d);
  }

  private static void lsh32Bounds(RegState d, long uminVal, long umaxVal) {
    d.s32min = Integer.MIN_VALUE;
    d.s32max = Integer.MAX_VALUE;
    if (umaxVal > 31 || (d.u32max & U32_MAX) > (1L << (31 - umaxVal))) {
      d.u32min = 0;
      d.u32max = -1;
    } else {
      d.u32min <<= uminVal;
      d.u32max <<= umaxVal;
    }
  }

  private static void lsh32(RegState d, RegState s) {
    long umaxVal = s.u32max & U32_MAX;
    long uminVal = s.u32min & U32_MAX;
    Tnum sub = d.varOff.subreg();
    lsh32Bounds(d, uminVal, umaxVal);
    d.varOff = sub.lshift((int) uminVal).subreg();
    d.mark64Unbounded();
    Bounds.updateBounds(d);
  }

  private static void lsh64(RegState d, RegState s) {
    long umaxVal = s.umax;
    long uminVal = s.umin;
    if (uminVal == 32 && umaxVal == 32) {
      d.smax = (long) d.s32max << 32;
      d.smin = (long) d.s32min << 32;
    } else {
      d.smax = Long.MAX_VALUE;
      d.smin = Long.MIN_VALUE;
    }
    if (ult(1L << (63 - umaxVal), d.umax)) {
      d.umin = 0;
      d.umax = -1L;
    } else {
      d.umin <<= uminVal;
      d.umax <<= umaxVal;
    }
    lsh32Bounds(d, uminVal, umaxVal);
    d.varOff = d.varOff.lshift((int) uminVal);
    Bounds.updateBounds(d);
  }

  private static void rsh32(RegState d, RegState s) {
    Tnum sub = d.varOff.subreg();
    int umaxVal = s.u32max;
    int uminVal = s.u32min;
    d.s32min = Integer.MIN_VALUE;
    d.s32max = Integer.MAX_VALUE;
    d.varOff = sub.rshift(uminVal);
    d.u32min >>>= umaxVal;
    d.u32max >>>= uminVal;
    d.mark64Unbounded();
    Bounds.updateBounds(d);
  }

  private static void rsh64(RegState d, RegState s) {
    int umaxVal = (int) s.umax;
    int uminVal = (int) s.umin;
    d.smin = Long.MIN_VALUE;
    d.smax = Long.MAX_VALUE;
    d.varOff = d.varOff.rshift(uminVal);
    d.umin >>>= umaxVal;
    d.umax >>>= uminVal;
    d.mark32Unbounded();
    Bounds.updateBounds(d);
  }

  private static void arsh32(RegState d, RegState s) {
    int uminVal = s.u32min;
    d.s32min >>= uminVal;
    d.s32max >>= uminVal;
    d.varOff = d.varOff.subreg().arshift(uminVal, 32);
    d.u32min = 0;
    d.u32max = -1;
    d.mark64Unbounded();
    Bounds.updateBounds(d);
  }

  private static void arsh64(RegState d, RegState s) {
    int uminVal = (int) s.umin;
    d.smin >>= uminVal;
    d.smax >>= uminVal;
    d.varOff = d.varOff.arshift(uminVal, 64);
    d.umin = 0;
    d.umax = -1L;
    d.mark32Unbounded();
    Bounds.updateBounds(d);
  }
}
