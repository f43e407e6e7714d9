package io.xdpemu.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * Counters of one replay: each queue's thread counts its own frames ({@link QueueCounts}), added
 * here when a pass ends, so they are exact and reproducible. Bytes are input frame lengths, as
 * drivers count rx_bytes.
 */
public final class ReplayStats {
  /** An aborted packet worth reporting. */
  public record Abort(long index, int pc, String reason) {}

  /** A firmware swap that happened (or was refused) at a packet index. */
  public record Swap(long index, String firmware, boolean applied, String reason) {}

  public static final int MAX_ABORTS_KEPT = 100;

  long packets;
  long bytes;
  final long[] actionPackets = new long[XdpAction.COUNT];
  final long[] actionBytes = new long[XdpAction.COUNT];
  final long[] queuePackets;
  final long[] queueBytes;
  long redirectErrors;
  long invalidActions;
  long aborts;
  long nicDrops;
  final List<Abort> firstAborts = new ArrayList<>();
  final List<Swap> swaps = new ArrayList<>();
  long elapsedNs;

  ReplayStats(int queues) {
    queuePackets = new long[queues];
    queueBytes = new long[queues];
  }

  /**
   * Adds the counts queue {@code q} kept during a pass. Call {@link #addAborts} once all queues are
   * added, to keep the pass's first aborts in input order.
   */
  void add(int q, QueueCounts c) {
    long packets = c.get(QueueCounts.PACKETS);
    long bytes = c.get(QueueCounts.BYTES);
    this.packets += packets;
    this.bytes += bytes;
    queuePackets[q] += packets;
    queueBytes[q] += bytes;
    for (int a = 0; a < XdpAction.COUNT; a++) {
      actionPackets[a] += c.get(QueueCounts.ACTION_PACKETS + a);
      actionBytes[a] += c.get(QueueCounts.ACTION_BYTES + a);
    }
    redirectErrors += c.get(QueueCounts.REDIRECT_ERRORS);
    invalidActions += c.get(QueueCounts.INVALID_ACTIONS);
    aborts += c.get(QueueCounts.ABORTS);
    nicDrops += c.get(QueueCounts.NIC_DROPS);
  }

  /**
   * Appends a pass's aborted packets (each queue's first ones, in any order) in input order, up to
   * {@link #MAX_ABORTS_KEPT} over the whole replay: every queue kept its own first ones, so the
   * pass's first ones are among them.
   */
  void addAborts(List<Abort> pass) {
    List<Abort> sorted = new ArrayList<>(pass);
    sorted.sort((a, b) -> Long.compare(a.index(), b.index()));
    for (Abort a : sorted) {
      if (firstAborts.size() >= MAX_ABORTS_KEPT) {
        break;
      }
      firstAborts.add(a);
    }
  }

  public long packets() {
    return packets;
  }

  public long bytes() {
    return bytes;
  }

  public long actionPackets(int action) {
    return actionPackets[action];
  }

  public long actionBytes(int action) {
    return actionBytes[action];
  }

  public int queues() {
    return queuePackets.length;
  }

  public long queuePackets(int q) {
    return queuePackets[q];
  }

  public long queueBytes(int q) {
    return queueBytes[q];
  }

  public long redirectErrors() {
    return redirectErrors;
  }

  /** Frames the NIC dropped before XDP (larger than a frame buffer); counted as XDP_DROP. */
  public long nicDrops() {
    return nicDrops;
  }

  public long invalidActions() {
    return invalidActions;
  }

  public List<Abort> firstAborts() {
    return List.copyOf(firstAborts);
  }

  public List<Swap> swaps() {
    return List.copyOf(swaps);
  }

  public long elapsedNs() {
    return elapsedNs;
  }

  /** Packets per second over the wall-clock time of the replay. */
  public double pps() {
    return elapsedNs == 0 ? 0 : packets * 1e9 / elapsedNs;
  }
}
