package io.xdpemu.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Bounds#boundOffset} works on longs for speed; it must give exactly what the kernel's
 * __reg_bound_offset() gives written with tnum operations, which this test spells out.
 */
class BoundsOffsetTest {
  @Test
  void boundOffsetEqualsTheTnumFormulation() {
    Random rnd = new Random(11);
    for (int i = 0; i < 200_000; i++) {
      RegState r = RegState.unknownScalar();
      long mask = rnd.nextLong() & rnd.nextLong() & (rnd.nextBoolean() ? -1L : rnd.nextLong());
      r.varOff = new Tnum(rnd.nextLong() & ~mask, mask);
      long a = pick(rnd);
      long b = pick(rnd);
      r.umin = Long.compareUnsigned(a, b) <= 0 ? a : b;
      r.umax = Long.compareUnsigned(a, b) <= 0 ? b : a;
      int c = (int) pick(rnd);
      int d = (int) pick(rnd);
      r.u32min = Integer.compareUnsigned(c, d) <= 0 ? c : d;
      r.u32max = Integer.compareUnsigned(c, d) <= 0 ? d : c;
      Tnum v64 = r.varOff.intersect(Tnum.range(r.umin, r.umax));
      Tnum v32 =
          v64.subreg().intersect(Tnum.range(r.u32min & Bounds.U32_MAX, r.u32max & Bounds.U32_MAX));
      Tnum expected = v64.clearSubreg().or(v32);
      Bounds.boundOffset(r);
      assertEquals(expected, r.varOff, "case " + i);
    }
  }

  @Test
  void intersectRangeEqualsTnumIntersect() {
    Random rnd = new Random(13);
    for (int i = 0; i < 200_000; i++) {
      long mask = rnd.nextLong() & rnd.nextLong() & (rnd.nextBoolean() ? -1L : rnd.nextLong());
      Tnum t = new Tnum(rnd.nextLong() & ~mask, mask);
      long a = pick(rnd);
      long b = pick(rnd);
      long min = Long.compareUnsigned(a, b) <= 0 ? a : b;
      long max = Long.compareUnsigned(a, b) <= 0 ? b : a;
      assertEquals(t.intersect(Tnum.range(min, max)), Bounds.intersectRange(t, min, max));
    }
  }

  private static long pick(Random rnd) {
    switch (rnd.nextInt(4)) {
      case 0:
        return rnd.nextInt(512);
      case 1:
        return rnd.nextLong();
      case 2:
        return -1L - rnd.nextInt(512);
      default:
        return rnd.nextLong() >>> rnd.nextInt(64);
    }
  }
}
