package io.xdpemu.runtime.report;

/**
 * Counts over capture time in at most {@link #MAX_BINS} bins: the bin width starts at 1 µs and
 * doubles (merging neighbouring bins) whenever a packet lands past the last bin, so a capture of
 * any length costs the same memory and a packet costs a few array writes. Each bin holds {@code
 * columns} counters (one per XDP action, one per queue, ...). Timestamps before the first packet's
 * (captures are not always in order) count in the first bin.
 */
final class TimeSeries {
  static final int MAX_BINS = 240;

  private final int columns;
  private final long[] counts;
  private long startNs = Long.MIN_VALUE;
  private long widthNs = 1_000;
  private int used;

  TimeSeries(int columns) {
    this.columns = columns;
    this.counts = new long[MAX_BINS * columns];
  }

  /** Adds {@code n} to {@code column} in the bin of {@code timestampNs}. */
  void add(long timestampNs, int column, long n) {
    counts[bin(timestampNs) * columns + column] += n;
  }

  /** The bin of {@code timestampNs}, widening the bins as needed. */
  int bin(long timestampNs) {
    if (startNs == Long.MIN_VALUE) {
      startNs = timestampNs;
    }
    long since = Math.max(0, timestampNs - startNs);
    while (since / widthNs >= MAX_BINS) {
      widen();
    }
    int b = (int) (since / widthNs);
    used = Math.max(used, b + 1);
    return b;
  }

  private void widen() {
    for (int b = 0; b < MAX_BINS / 2; b++) {
      for (int c = 0; c < columns; c++) {
        counts[b * columns + c] = counts[2 * b * columns + c] + counts[(2 * b + 1) * columns + c];
      }
    }
    java.util.Arrays.fill(counts, MAX_BINS / 2 * columns, counts.length, 0);
    widthNs *= 2;
    used = (used + 1) / 2;
  }

  int bins() {
    return used;
  }

  long widthNs() {
    return widthNs;
  }

  long startNs() {
    return startNs == Long.MIN_VALUE ? 0 : startNs;
  }

  long count(int bin, int column) {
    return counts[bin * columns + column];
  }
}
