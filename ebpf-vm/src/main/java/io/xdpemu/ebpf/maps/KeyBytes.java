package io.xdpemu.ebpf.maps;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Hashing and comparing map keys where they lie (a program's stack, a map's key store), eight bytes
 * at a time through long views: no copy, no key object. The hash is a multiply-xorshift mix of the
 * words, good enough for open addressing with linear probing (the low bits depend on every key
 * byte).
 */
final class KeyBytes {
  private static final VarHandle I64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle I32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long MIX = 0x9E3779B97F4A7C15L;

  private KeyBytes() {}

  /** The little-endian u32 at {@code b[off]} (an LPM key's prefixlen), in one load. */
  static int u32(byte[] b, int off) {
    return (int) I32.get(b, off);
  }

  /** The hash of {@code b[off, off + n)}. */
  static int hash(byte[] b, int off, int n) {
    long h = n;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      h = (h ^ (long) I64.get(b, off + i)) * MIX;
    }
    if (i + 4 <= n) {
      h = (h ^ ((int) I32.get(b, off + i) & 0xffffffffL)) * MIX;
      i += 4;
    }
    for (; i < n; i++) {
      h = (h ^ (b[off + i] & 0xffL)) * MIX;
    }
    h ^= h >>> 29;
    h *= MIX;
    return (int) (h ^ (h >>> 32));
  }

  /**
   * The first eight bytes of a key of {@code n} bytes at {@code off} as a little-endian long
   * (zero-extended when shorter): with {@link #word1}, the whole of a key of up to 16 bytes.
   */
  static long word0(byte[] b, int off, int n) {
    return n >= 8 ? (long) I64.get(b, off) : tail(b, off, n);
  }

  /** Bytes 8 to 15 of a key of {@code n} bytes (zero when it is shorter). */
  static long word1(byte[] b, int off, int n) {
    return n >= 16 ? (long) I64.get(b, off + 8) : n > 8 ? tail(b, off + 8, n - 8) : 0;
  }

  /** {@code r < 8} bytes at {@code at}, little-endian, zero-extended. */
  private static long tail(byte[] b, int at, int r) {
    long v = 0;
    int i = 0;
    if (r >= 4) {
      v = (int) I32.get(b, at) & 0xffffffffL;
      i = 4;
    }
    for (; i < r; i++) {
      v |= (b[at + i] & 0xffL) << (8 * i);
    }
    return v;
  }

  /** The hash of a key of up to 16 bytes given as {@link #word0} and {@link #word1}. */
  static int hash(long w0, long w1) {
    return finish(w0 * MIX ^ Long.rotateLeft(w1 * MIX, 32));
  }

  /**
   * The last mix: a product's high bits depend on all of the input's bits, its low bits only on the
   * input's low bits, so the halves are folded together before one more multiply and the high half
   * is the hash (keys differing only in their last bytes still spread over the table).
   */
  static int finish(long h) {
    h ^= h >>> 32;
    h *= MIX;
    return (int) (h >>> 32);
  }

  /** Whether {@code a[ao, ao + n)} and {@code b[bo, bo + n)} hold the same bytes. */
  static boolean equal(byte[] a, int ao, byte[] b, int bo, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      if ((long) I64.get(a, ao + i) != (long) I64.get(b, bo + i)) {
        return false;
      }
    }
    if (i + 4 <= n) {
      if ((int) I32.get(a, ao + i) != (int) I32.get(b, bo + i)) {
        return false;
      }
      i += 4;
    }
    for (; i < n; i++) {
      if (a[ao + i] != b[bo + i]) {
        return false;
      }
    }
    return true;
  }
}
