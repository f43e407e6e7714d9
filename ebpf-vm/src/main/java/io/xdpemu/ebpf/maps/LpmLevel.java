package io.xdpemu.ebpf.maps;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The prefixes of one length in an {@link LpmTrieMap}, compiled for lookups: each prefix's data as
 * big-endian longs (so the first {@code len} bits, MSB first as the trie compares them, are the
 * high bits of the words), masked to {@code len} bits, in an open-addressing table. A lookup masks
 * the key's words as it reads them from where the program keeps the key and compares whole words:
 * no probe object, no copy, nothing allocated. Immutable once built; the map publishes a new level
 * when its prefixes change, so lookups need no lock.
 */
final class LpmLevel {
  private static final VarHandle I64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle I32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final long MIX = 0x9E3779B97F4A7C15L;

  /** The prefix length, in bits. */
  final int len;

  private final int dataSize;
  private final int words;
  private final long[] masks;
  // Data of more than two words: entry + 1 (0 empty, at most half full), each entry's hash, masked
  // words (entry e's at [e * words, (e + 1) * words)) and value slot; null for shorter data.
  private final int[] table;
  private final int[] hashes;
  private final long[] data;
  private final int[] slots;

  /** masks[0] and masks[1], for data of at most two words (IPv4, IPv6). */
  private final long mask0;

  private final long mask1;

  /**
   * For data of at most two words, the open-addressing table with each entry inline: position i
   * holds the masked words at {@code 4i}, {@code 4i + 1}, slot + 1 at {@code 4i + 2} (0: empty; at
   * most half full) and the value's address at {@code 4i + 3}, so a probe touches one array, not
   * four, and a program's lookup finds its pointer there; null for longer data.
   */
  private final long[] cells;

  private final int cellMask;

  /**
   * {@code 64 - log2(positions)}: a probe starts at the top bits of one product (see {@link
   * #start}).
   */
  private final int cellShift;

  /**
   * A level of prefix length {@code len} holding {@code keys[i]} (whole map keys: prefixlen, then
   * data) with its value in {@code slots[i]}, at address {@code pointers[i]} (what a program's
   * lookup returns).
   */
  LpmLevel(int len, int dataSize, byte[][] keys, int[] slots, long[] pointers) {
    this.len = len;
    this.dataSize = dataSize;
    this.words = words(dataSize);
    this.masks = new long[Math.max(words, 2)];
    for (int w = 0; w < words; w++) {
      int bits = Math.max(0, Math.min(64, len - 64 * w));
      masks[w] = bits == 0 ? 0 : -1L << (64 - bits);
    }
    int n = keys.length;
    int size = 4;
    while (size < 2 * n) {
      size <<= 1;
    }
    this.mask0 = masks[0];
    this.mask1 = masks[1];
    this.cellMask = size - 1;
    this.cellShift = 64 - Integer.numberOfTrailingZeros(size);
    if (words <= 2) { // straight into the cells
      long[] cs = new long[4 * size];
      for (int e = 0; e < n; e++) {
        long m0 = word(keys[e], 4, dataSize, 0) & mask0;
        long m1 = words == 2 ? word(keys[e], 4, dataSize, 1) & mask1 : 0;
        int i = start(m0, m1);
        while (cs[4 * i + 2] != 0) {
          i = (i + 1) & (size - 1);
        }
        cs[4 * i] = m0;
        cs[4 * i + 1] = m1;
        cs[4 * i + 2] = slots[e] + 1L;
        cs[4 * i + 3] = pointers[e];
      }
      this.cells = cs;
      this.table = null;
      this.hashes = null;
      this.data = null;
      this.slots = null;
      return;
    }
    int[] t = new int[size];
    int[] hs = new int[n];
    long[] d = new long[n * words];
    for (int e = 0; e < n; e++) {
      for (int w = 0; w < words; w++) {
        d[e * words + w] = word(keys[e], 4, dataSize, w) & masks[w];
      }
      int h = hash(keys[e], 4);
      hs[e] = h;
      int i = h & (size - 1);
      while (t[i] != 0) {
        i = (i + 1) & (size - 1);
      }
      t[i] = e + 1;
    }
    this.cells = null;
    this.table = t;
    this.hashes = hs;
    this.data = d;
    this.slots = slots.clone();
  }

  /** Words of eight data bytes a key's data takes. */
  static int words(int dataSize) {
    return (dataSize + 7) / 8;
  }

  /**
   * Word {@code w} of the {@code dataSize} data bytes at {@code b[from, ...)}, big-endian, zero
   * past the end.
   */
  static long word(byte[] b, int from, int dataSize, int w) {
    int at = from + 8 * w;
    int rest = dataSize - 8 * w;
    if (rest >= 8) {
      return (long) I64.get(b, at);
    }
    long v = 0;
    int i = 0;
    if (rest >= 4) {
      v = (long) (int) I32.get(b, at) << 32;
      i = 4;
    }
    for (; i < rest; i++) {
      v |= (b[at + i] & 0xffL) << (56 - 8 * i);
    }
    return v;
  }

  /**
   * Where the probe for masked data of at most two words starts: multiplicative (Fibonacci)
   * hashing, the top bits of one product. The words are first folded so that their high halves,
   * where a short prefix keeps all its bits, also reach the low bits, from which every product bit
   * carries: prefixes differing in any one byte still spread over the table. One multiply, not the
   * three of a full mix, on the path of every lookup (it was a third of an IPv4 lookup's time).
   */
  private int start(long m0, long m1) {
    long folded = m0 ^ (m0 >>> 32) ^ m1 ^ (m1 >>> 29);
    return (int) ((folded * MIX) >>> cellShift);
  }

  /** The hash of longer data, masked as it is read. */
  private int hash(byte[] b, int from) {
    long h = len;
    for (int w = 0; w < words; w++) {
      h = (h ^ (word(b, from, dataSize, w) & masks[w])) * MIX;
    }
    return KeyBytes.finish(h);
  }

  /**
   * The cell of the prefix matching data of at most two words ({@code w0}, {@code w1}: the key's
   * {@link #word}s, unmasked) under this length, or -1; see {@link #slotAt} and {@link #pointerAt}.
   */
  int find(long w0, long w1) {
    long m0 = w0 & mask0;
    long m1 = w1 & mask1; // 0 for one word: the stored second words are 0 too
    long[] cs = cells;
    int mask = cellMask;
    for (int i = start(m0, m1); ; i = (i + 1) & mask) {
      long slot1 = cs[4 * i + 2];
      if (slot1 == 0) {
        return -1;
      }
      if (cs[4 * i] == m0 && cs[4 * i + 1] == m1) {
        return 4 * i;
      }
    }
  }

  /** The value slot of cell {@code cell} (a {@link #find(long, long)} result). */
  int slotAt(int cell) {
    return (int) cells[cell + 2] - 1;
  }

  /** The value's address of cell {@code cell}: the pointer a program's lookup returns. */
  long pointerAt(int cell) {
    return cells[cell + 3];
  }

  /** As {@link #find(long, long)} for data of more than two words, read at {@code b[from, ...)}. */
  int find(byte[] b, int from) {
    int h = hash(b, from);
    int mask = table.length - 1;
    for (int i = h & mask; ; i = (i + 1) & mask) {
      int e = table[i] - 1;
      if (e < 0) {
        return -1;
      }
      if (hashes[e] == h && sameData(b, from, e)) {
        return slots[e];
      }
    }
  }

  private boolean sameData(byte[] b, int from, int e) {
    for (int w = 0; w < words; w++) {
      if ((word(b, from, dataSize, w) & masks[w]) != data[e * words + w]) {
        return false;
      }
    }
    return true;
  }
}
