package io.xdpemu.verifier;

/**
 * A tracked ("tristate") number, as in the kernel's {@code kernel/bpf/tnum.c}: each bit is known 0,
 * known 1 (its {@code value} bit set) or unknown (its {@code mask} bit set). Invariant: {@code
 * value & mask == 0}. All arithmetic is on unsigned 64-bit words held in Java longs.
 */
public record Tnum(long value, long mask) {
  public static final Tnum UNKNOWN = new Tnum(0, -1L);

  /**
   * The constants -128..1023, made once: every {@code mov} and ALU immediate and every bounds
   * deduction to a single value makes a constant, a tenth of what a verification allocated. A Tnum
   * is a value (compared with equals, never by identity), so sharing one changes nothing.
   */
  private static final int SHARED_MIN = -128;

  private static final Tnum[] SHARED = new Tnum[1024 - SHARED_MIN];

  static {
    for (int i = 0; i < SHARED.length; i++) {
      SHARED[i] = new Tnum(i + SHARED_MIN, 0);
    }
  }

  public static Tnum constant(long v) {
    if (v >= SHARED_MIN && v < SHARED_MIN + SHARED.length) {
      return SHARED[(int) v - SHARED_MIN];
    }
    return new Tnum(v, 0);
  }

  /** tnum_range: the smallest tnum containing every value of [min, max] (unsigned). */
  public static Tnum range(long min, long max) {
    long chi = min ^ max;
    int bits = 64 - Long.numberOfLeadingZeros(chi);
    if (bits > 63) {
      return UNKNOWN;
    }
    long delta = (1L << bits) - 1;
    return new Tnum(min & ~delta, delta);
  }

  public boolean isConst() {
    return mask == 0;
  }

  /** tnum_overlap(): whether some value fits both, i.e. no bit known in both differs. */
  public boolean overlaps(Tnum o) {
    long known = ~mask & ~o.mask;
    return (value & known) == (o.value & known);
  }

  public boolean isUnknown() {
    return mask == -1L;
  }

  public boolean equalsConst(long v) {
    return mask == 0 && value == v;
  }

  public Tnum lshift(int shift) {
    return new Tnum(value << shift, mask << shift);
  }

  public Tnum rshift(int shift) {
    return new Tnum(value >>> shift, mask >>> shift);
  }

  /** tnum_arshift: arithmetic shift at 32 or 64 bits (32-bit result zero-extended). */
  public Tnum arshift(int minShift, int bitness) {
    if (bitness == 32) {
      return new Tnum(
          ((int) value >> minShift) & 0xffffffffL, ((int) mask >> minShift) & 0xffffffffL);
    }
    return new Tnum(value >> minShift, mask >> minShift);
  }

  public Tnum add(Tnum b) {
    long sm = mask + b.mask;
    long sv = value + b.value;
    long sigma = sm + sv;
    long chi = sigma ^ sv;
    long mu = chi | mask | b.mask;
    return new Tnum(sv & ~mu, mu);
  }

  public Tnum sub(Tnum b) {
    long dv = value - b.value;
    long alpha = dv + mask;
    long beta = dv - b.mask;
    long chi = alpha ^ beta;
    long mu = chi | mask | b.mask;
    return new Tnum(dv & ~mu, mu);
  }

  public Tnum and(Tnum b) {
    long alpha = value | mask;
    long beta = b.value | b.mask;
    long v = value & b.value;
    return new Tnum(v, alpha & beta & ~v);
  }

  public Tnum or(Tnum b) {
    long v = value | b.value;
    long mu = mask | b.mask;
    return new Tnum(v, mu & ~v);
  }

  public Tnum xor(Tnum b) {
    long v = value ^ b.value;
    long mu = mask | b.mask;
    return new Tnum(v & ~mu, mu);
  }

  /**
   * tnum_mul: sum of partial products, one per bit of this operand. On longs rather than Tnum
   * records (the record-per-step loop was half of the 1M-instruction rejection's time): the
   * partial-product accumulator's value stays 0 in the kernel's loop (it only ever adds {@code
   * TNUM(0, m)} to {@code TNUM(0, 0)}), so only its mask is kept; the loop stops once the shifted
   * {@code b} is all zero, as adding {@code TNUM(0, 0)} leaves the accumulator unchanged.
   */
  public Tnum mul(Tnum b) {
    long accV = value * b.value;
    if (mask == 0 && b.mask == 0) {
      return constant(accV);
    }
    long accM = 0;
    long av = value;
    long am = mask;
    long bv = b.value;
    long bm = b.mask;
    while ((av | am) != 0 && (bv | bm) != 0) {
      long part;
      if ((av & 1) != 0) {
        part = bm;
      } else if ((am & 1) != 0) {
        part = bv | bm;
      } else {
        part = 0;
      }
      accM = (accM + part) | accM | part;
      av >>>= 1;
      am >>>= 1;
      bv <<= 1;
      bm <<= 1;
    }
    long sigma = accM + accV;
    long mu = (sigma ^ accV) | accM;
    return new Tnum(accV & ~mu, mu);
  }

  /** The kernel's tnum_mul step by step on records: {@link #mul}'s reference in tests. */
  static Tnum mulReference(Tnum a, Tnum b) {
    long accV = a.value * b.value;
    Tnum accM = new Tnum(0, 0);
    while (a.value != 0 || a.mask != 0) {
      if ((a.value & 1) != 0) {
        accM = accM.add(new Tnum(0, b.mask));
      } else if ((a.mask & 1) != 0) {
        accM = accM.add(new Tnum(0, b.value | b.mask));
      }
      a = a.rshift(1);
      b = b.lshift(1);
    }
    return new Tnum(accV, 0).add(accM);
  }

  /** tnum_intersect: bits known in either operand are known in the result. */
  public Tnum intersect(Tnum b) {
    long v = value | b.value;
    long mu = mask & b.mask;
    return new Tnum(v & ~mu, mu);
  }

  /** tnum_cast: keep the low {@code size} bytes. */
  public Tnum cast(int size) {
    if (size >= 8) {
      return this;
    }
    long m = (1L << (size * 8)) - 1;
    return new Tnum(value & m, mask & m);
  }

  public boolean isAligned(long size) {
    if (size == 0) {
      return true;
    }
    return ((value | mask) & (size - 1)) == 0;
  }

  /** tnum_in: every value of {@code b} is a value of this tnum. */
  public boolean contains(Tnum b) {
    if ((b.mask & ~mask) != 0) {
      return false;
    }
    return value == (b.value & ~mask);
  }

  /**
   * tnum_step(): the smallest member of this tnum above {@code z} (unsigned); the largest member
   * when none is, the smallest when {@code z} is below all of them.
   */
  public long next(long z) {
    long max = value | mask;
    if (Long.compareUnsigned(z, max) >= 0) {
      return max;
    }
    if (Long.compareUnsigned(z, value) < 0) {
      return value;
    }
    // members are value + s for s a submask of mask: find the least submask above d
    long d = z - value;
    long fixedOnes = d & ~mask;
    if (fixedOnes != 0) {
      // s has 0 where d has a fixed 1: s must exceed d above it, so d's lower bits do not matter
      d |= -1L >>> Long.numberOfLeadingZeros(fixedOnes);
    }
    return value | (((d | ~mask) + 1) & mask);
  }

  public Tnum subreg() {
    return cast(4);
  }

  public Tnum clearSubreg() {
    return rshift(32).lshift(32);
  }

  public Tnum withSubreg(Tnum subreg) {
    return clearSubreg().or(subreg.subreg());
  }

  public Tnum constSubreg(int v) {
    return withSubreg(constant(v & 0xffffffffL));
  }
}
