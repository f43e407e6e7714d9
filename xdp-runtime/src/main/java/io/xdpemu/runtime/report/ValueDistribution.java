package io.xdpemu.runtime.report;

/**
 * How the values of one metadata field are distributed, in bounded memory: the exact values and
 * their counts while there are at most {@link #EXACT} distinct ones (packet types, flags, VLAN
 * ids), else a histogram by bit length - bucket k holds values in [2^(k-1), 2^k) - which is what a
 * hash or a timestamp field shows (spread, not repeats). Unsigned 64-bit values.
 */
final class ValueDistribution {
  static final int EXACT = 16;

  private final long[] values = new long[EXACT];
  private final long[] counts = new long[EXACT];
  private int distinct;
  private long[] byBits; // null while exact

  void add(long v) {
    if (byBits == null) {
      for (int i = 0; i < distinct; i++) {
        if (values[i] == v) {
          counts[i]++;
          return;
        }
      }
      if (distinct < EXACT) {
        values[distinct] = v;
        counts[distinct++] = 1;
        return;
      }
      byBits = new long[65];
      for (int i = 0; i < distinct; i++) {
        byBits[64 - Long.numberOfLeadingZeros(values[i])] += counts[i];
      }
    }
    byBits[64 - Long.numberOfLeadingZeros(v)]++;
  }

  boolean exact() {
    return byBits == null;
  }

  /**
   * Labels and counts: the exact values in ascending order, or the non-empty bit-length buckets.
   */
  void forEach(Bucket out) {
    if (byBits == null) {
      Integer[] order = new Integer[distinct];
      for (int i = 0; i < distinct; i++) {
        order[i] = i;
      }
      java.util.Arrays.sort(order, (a, b) -> Long.compareUnsigned(values[a], values[b]));
      for (int i : order) {
        out.bucket(Long.toUnsignedString(values[i]), counts[i]);
      }
      return;
    }
    for (int k = 0; k <= 64; k++) {
      if (byBits[k] != 0) {
        out.bucket(k == 0 ? "0" : k == 1 ? "1" : "2^" + (k - 1) + "..", byBits[k]);
      }
    }
  }

  interface Bucket {
    void bucket(String label, long count);
  }
}
