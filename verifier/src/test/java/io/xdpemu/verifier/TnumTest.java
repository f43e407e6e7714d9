package io.xdpemu.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** tnum arithmetic is sound: the result contains every concrete result. */
class TnumTest {
  @Test
  void rangeCoversItsBounds() {
    assertEquals(new Tnum(0, 0xff), Tnum.range(0, 255));
    assertEquals(new Tnum(0x10, 0xf), Tnum.range(0x10, 0x1f));
    assertEquals(Tnum.UNKNOWN, Tnum.range(0, -1L));
  }

  @Test
  void operationsContainConcreteResults() {
    Random rnd = new Random(7);
    for (int i = 0; i < 20000; i++) {
      long a = rnd.nextLong() & rnd.nextLong();
      long b = rnd.nextLong() >>> rnd.nextInt(64);
      long ma = rnd.nextLong() & rnd.nextLong() & rnd.nextLong();
      long mb = rnd.nextLong() & rnd.nextLong() & rnd.nextLong();
      Tnum ta = new Tnum(a & ~ma, ma);
      Tnum tb = new Tnum(b & ~mb, mb);
      long x = (a & ~ma) | (rnd.nextLong() & ma);
      long y = (b & ~mb) | (rnd.nextLong() & mb);
      assertTrue(ta.add(tb).contains(Tnum.constant(x + y)));
      assertTrue(ta.sub(tb).contains(Tnum.constant(x - y)));
      assertTrue(ta.mul(tb).contains(Tnum.constant(x * y)));
      assertTrue(ta.and(tb).contains(Tnum.constant(x & y)));
      assertTrue(ta.or(tb).contains(Tnum.constant(x | y)));
      assertTrue(ta.xor(tb).contains(Tnum.constant(x ^ y)));
      int s = rnd.nextInt(64);
      assertTrue(ta.lshift(s).contains(Tnum.constant(x << s)));
      assertTrue(ta.rshift(s).contains(Tnum.constant(x >>> s)));
      assertTrue(ta.arshift(s, 64).contains(Tnum.constant(x >> s)));
    }
  }

  /** The long-based tnum_mul equals the kernel's record-per-step loop, bit for bit. */
  @Test
  void mulEqualsTheKernelsLoop() {
    Random rnd = new Random(13);
    for (int i = 0; i < 400000; i++) {
      Tnum a = randomTnum(rnd);
      Tnum b = randomTnum(rnd);
      assertEquals(Tnum.mulReference(a, b), a.mul(b), () -> a + " * " + b);
    }
  }

  /** Constants, small ranges, sparse and dense masks, and values shifted to any width. */
  private static Tnum randomTnum(Random rnd) {
    long v = rnd.nextLong() >>> rnd.nextInt(64);
    long m;
    switch (rnd.nextInt(4)) {
      case 0 -> m = 0;
      case 1 -> m = (1L << rnd.nextInt(64)) - 1;
      case 2 -> m = rnd.nextLong() & rnd.nextLong() & rnd.nextLong();
      default -> m = rnd.nextLong() << rnd.nextInt(64);
    }
    return new Tnum(v & ~m, m);
  }

  @Test
  void scalarAluBoundsContainConcreteResults() {
    Random rnd = new Random(11);
    int[] ops = {0x00, 0x10, 0x20, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xc0};
    for (int i = 0; i < 20000; i++) {
      long lo = rnd.nextInt(2000) - 1000;
      long hi = lo + rnd.nextInt(3000);
      long x = lo + (long) (rnd.nextDouble() * (hi - lo + 1));
      if (x > hi) {
        x = hi;
      }
      RegState d = RegState.unknownScalar();
      d.smin = lo;
      d.smax = hi;
      Bounds.sync(d);
      int op = ops[rnd.nextInt(ops.length)];
      long k =
          (op >= 0x60 && op <= 0x70) || op == 0xc0 ? rnd.nextInt(64) : rnd.nextInt(4000) - 2000;
      RegState src = RegState.constScalar(k);
      ScalarAlu.apply(op, false, d, src);
      long r;
      switch (op) {
        case 0x00:
          r = x + k;
          break;
        case 0x10:
          r = x - k;
          break;
        case 0x20:
          r = x * k;
          break;
        case 0x40:
          r = x | k;
          break;
        case 0x50:
          r = x & k;
          break;
        case 0x60:
          r = x << k;
          break;
        case 0x70:
          r = x >>> k;
          break;
        case 0xa0:
          r = x ^ k;
          break;
        default:
          r = x >> k;
          break;
      }
      assertTrue(d.varOff.contains(Tnum.constant(r)), "op " + op + " x=" + x + " k=" + k);
      assertTrue(d.smin <= r && r <= d.smax, "op " + op + " x=" + x + " k=" + k + " " + d);
      assertTrue(Bounds.ule(d.umin, r) && Bounds.ule(r, d.umax), "op " + op + " " + d);
    }
  }

  @Test
  void wrappingAdditionAndSubtractionKeepExactUnsignedBounds() {
    for (long lo = -8; lo <= 8; lo++) {
      for (long width = 0; width < 6; width++) {
        for (long k = -12; k <= 12; k++) {
          for (int op : new int[] {0x00, 0x10}) {
            for (boolean alu32 : new boolean[] {false, true}) {
              RegState d = RegState.unknownScalar();
              d.smin = lo;
              d.smax = lo + width;
              if (alu32) {
                d.s32min = (int) lo;
                d.s32max = (int) (lo + width);
              }
              Bounds.sync(d);
              RegState before = d.copy();
              ScalarAlu.apply(op, alu32, d, RegState.constScalar(k));
              for (long x = lo; x <= lo + width; x++) {
                long r = op == 0x00 ? x + k : x - k;
                if (alu32) {
                  r = r & 0xffffffffL;
                }
                String what =
                    (op == 0 ? "+" : "-") + k + " x=" + x + " from " + before + " got " + d;
                assertTrue(Bounds.ule(d.umin, r) && Bounds.ule(r, d.umax), what);
                assertTrue(d.smin <= r && r <= d.smax, what);
                assertTrue(d.varOff.contains(Tnum.constant(r)), what);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void nextIsTheLeastMemberAboveAValue() {
    Random rnd = new Random(11);
    for (int i = 0; i < 3000; i++) {
      long mask = 0;
      for (int b = rnd.nextInt(6); b > 0; b--) {
        mask |= 1L << rnd.nextInt(64);
      }
      Tnum t = new Tnum(rnd.nextLong() & ~mask, mask);
      long[] members = new long[1 << Long.bitCount(mask)];
      for (int k = 0; k < members.length; k++) {
        long v = t.value();
        int bit = 0;
        for (long m = mask; m != 0; m &= m - 1) {
          if ((k & (1 << bit++)) != 0) {
            v |= Long.lowestOneBit(m);
          }
        }
        members[k] = v;
      }
      for (int j = 0; j < 20; j++) {
        long z =
            rnd.nextBoolean()
                ? members[rnd.nextInt(members.length)] + rnd.nextInt(3) - 1
                : rnd.nextLong();
        long want = t.value() | t.mask(); // tnum_step(): the largest when none is above
        if (Long.compareUnsigned(z, t.value()) < 0) {
          want = t.value();
        } else {
          for (long m : members) {
            if (Long.compareUnsigned(m, z) > 0 && Long.compareUnsigned(m, want) < 0) {
              want = m;
            }
          }
        }
        assertEquals(want, t.next(z), t + " after " + Long.toUnsignedString(z));
      }
    }
  }
}
