package io.xdpemu.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * The counters of one RX queue, kept by the thread that runs the queue (no sharing, no atomics) and
 * added into {@link ReplayStats} when a pass ends. The counters sit in the middle of a padded
 * array, so two queues' counters never share a cache line.
 */
final class QueueCounts {
  static final int PACKETS = 0;
  static final int BYTES = 1;
  static final int ACTION_PACKETS = 2;
  static final int ACTION_BYTES = ACTION_PACKETS + XdpAction.COUNT;
  static final int REDIRECT_ERRORS = ACTION_BYTES + XdpAction.COUNT;
  static final int INVALID_ACTIONS = REDIRECT_ERRORS + 1;
  static final int ABORTS = INVALID_ACTIONS + 1;
  static final int NIC_DROPS = ABORTS + 1;
  static final int SIZE = NIC_DROPS + 1;

  /** Longs on each side of the counters: a cache line and more. */
  private static final int PAD = 16;

  private final long[] c = new long[PAD + SIZE + PAD];

  /** This pass's first aborted packets of the queue, in index order (at most what is kept). */
  final List<ReplayStats.Abort> firstAborts = new ArrayList<>();

  void count(PacketSlot s) {
    long[] c = this.c;
    int len = s.inLength;
    c[PAD + PACKETS]++;
    c[PAD + BYTES] += len;
    c[PAD + ACTION_PACKETS + s.action]++;
    c[PAD + ACTION_BYTES + s.action] += len;
    // One well-predicted test for the common packet; the rare outcomes are counted below it.
    if (s.nicDropped | s.redirectError != 0 | s.action == XdpAction.ABORTED) {
      countRare(s);
    }
  }

  private void countRare(PacketSlot s) {
    if (s.nicDropped) {
      c[PAD + NIC_DROPS]++;
    }
    if (s.redirectError != 0) {
      c[PAD + REDIRECT_ERRORS]++;
    }
    if (s.action == XdpAction.ABORTED) {
      c[PAD + ABORTS]++;
      if (s.retval != XdpAction.ABORTED) {
        c[PAD + INVALID_ACTIONS]++;
      }
      if (firstAborts.size() < ReplayStats.MAX_ABORTS_KEPT) {
        firstAborts.add(new ReplayStats.Abort(s.index, s.abortPc, s.abortReason));
      }
    }
  }

  long get(int counter) {
    return c[PAD + counter];
  }

  /** Back to zero for the next pass (once its counts were added to the replay's). */
  void clear() {
    java.util.Arrays.fill(c, 0L);
    firstAborts.clear();
  }
}
