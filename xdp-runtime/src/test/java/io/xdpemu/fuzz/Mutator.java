package io.xdpemu.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deterministic mutations of a seed file, the kind that break parsers: flipped bits, boundary
 * values written over 1/2/4/8-byte fields (0, -1, the sign bit, the file's length), truncation,
 * deleted or duplicated chunks, and for text formats numbers replaced by boundary values and lines
 * dropped. The same {@link Random} state gives the same mutant, so a failure is reproduced by its
 * seed and case number.
 */
final class Mutator {
  private static final long[] INTERESTING = {
    0,
    1,
    2,
    3,
    4,
    7,
    8,
    15,
    16,
    31,
    32,
    63,
    64,
    127,
    128,
    255,
    256,
    0x7fff,
    0x8000,
    0xffff,
    0x10000,
    0x7fffffffL,
    0x80000000L,
    0xffffffffL,
    -1,
    Long.MAX_VALUE,
    Long.MIN_VALUE
  };
  private static final Pattern NUMBER = Pattern.compile("-?(0x[0-9a-fA-F]+|\\d+)");

  private Mutator() {}

  /** One mutant of {@code seed}: 1 to 4 byte-level mutations (or text ones when {@code text}). */
  static byte[] mutate(byte[] seed, Random rnd, boolean text) {
    if (text && rnd.nextInt(3) != 0) {
      return mutateText(new String(seed, StandardCharsets.UTF_8), rnd)
          .getBytes(StandardCharsets.UTF_8);
    }
    byte[] b = seed.clone();
    int rounds = 1 + rnd.nextInt(4);
    for (int i = 0; i < rounds && b.length > 0; i++) {
      b = mutateOnce(b, rnd);
    }
    return b;
  }

  private static byte[] mutateOnce(byte[] b, Random rnd) {
    int pos = rnd.nextInt(b.length);
    switch (rnd.nextInt(8)) {
      case 0 -> b[pos] ^= (byte) (1 << rnd.nextInt(8));
      case 1 -> b[pos] = (byte) INTERESTING[rnd.nextInt(INTERESTING.length)];
      case 2 -> writeLe(b, pos, 2, interesting(b, rnd));
      case 3, 4 -> writeLe(b, pos & ~3, 4, interesting(b, rnd));
      case 5 -> writeLe(b, pos & ~7, 8, interesting(b, rnd));
      case 6 -> {
        return Arrays.copyOf(b, pos);
      }
      default -> {
        int len = Math.min(b.length - pos, 1 + rnd.nextInt(64));
        return rnd.nextBoolean() ? delete(b, pos, len) : duplicate(b, pos, len);
      }
    }
    return b;
  }

  private static long interesting(byte[] b, Random rnd) {
    int k = rnd.nextInt(INTERESTING.length + 3);
    if (k < INTERESTING.length) {
      return INTERESTING[k];
    }
    return k == INTERESTING.length ? b.length : b.length + rnd.nextInt(64) - 32;
  }

  private static void writeLe(byte[] b, int pos, int width, long v) {
    for (int i = 0; i < width && pos + i < b.length; i++) {
      b[pos + i] = (byte) (v >>> (8 * i));
    }
  }

  private static byte[] delete(byte[] b, int pos, int len) {
    byte[] r = new byte[b.length - len];
    System.arraycopy(b, 0, r, 0, pos);
    System.arraycopy(b, pos + len, r, pos, b.length - pos - len);
    return r;
  }

  private static byte[] duplicate(byte[] b, int pos, int len) {
    byte[] r = new byte[b.length + len];
    System.arraycopy(b, 0, r, 0, pos + len);
    System.arraycopy(b, pos, r, pos + len, b.length - pos);
    return r;
  }

  private static String mutateText(String s, Random rnd) {
    int rounds = 1 + rnd.nextInt(3);
    for (int i = 0; i < rounds; i++) {
      switch (rnd.nextInt(4)) {
        case 0, 1 -> s = replaceNumber(s, rnd);
        case 2 -> s = dropLine(s, rnd);
        default -> s = duplicateLine(s, rnd);
      }
    }
    return s;
  }

  private static String replaceNumber(String s, Random rnd) {
    Matcher m = NUMBER.matcher(s);
    int count = 0;
    while (m.find()) {
      count++;
    }
    if (count == 0) {
      return s;
    }
    int target = rnd.nextInt(count);
    m.reset();
    for (int i = 0; i <= target; i++) {
      m.find();
    }
    long v = INTERESTING[rnd.nextInt(INTERESTING.length)];
    String repl = rnd.nextBoolean() ? Long.toString(v) : "0x" + Long.toHexString(v);
    return s.substring(0, m.start()) + repl + s.substring(m.end());
  }

  private static String dropLine(String s, Random rnd) {
    String[] lines = s.split("\n", -1);
    int k = rnd.nextInt(lines.length);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      if (i != k) {
        sb.append(lines[i]).append('\n');
      }
    }
    return sb.toString();
  }

  private static String duplicateLine(String s, Random rnd) {
    String[] lines = s.split("\n", -1);
    int k = rnd.nextInt(lines.length);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      sb.append(lines[i]).append('\n');
      if (i == k) {
        sb.append(lines[i]).append('\n');
      }
    }
    return sb.toString();
  }
}
