package io.xdpemu.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * Counters of one replay, updated by the output stage in input order (one thread), so they are
 * exact and reproducible. Bytes are input frame lengths, as drivers count rx_bytes.
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

  void count(PacketSlot s) {
    packets++;
    bytes += s.inLength;
    actionPackets[s.action]++;
    actionBytes[s.action] += s.inLength;
    queuePackets[s.queue]++;
    queueBytes[s.queue] += s.inLength;
    // One well-predicted test for the common packet; the rare outcomes are counted below it.
    if (s.nicDropped | s.redirectError != 0 | s.action == XdpAction.ABORTED) {
      countRare(s);
    }
  }

  private void countRare(PacketSlot s) {
    if (s.nicDropped) {
      nicDrops++;
    }
    if (s.redirectError != 0) {
      redirectErrors++;
    }
    if (s.action == XdpAction.ABORTED) {
      aborts++;
      if (s.retval != XdpAction.ABORTED) {
        invalidActions++;
      }
      if (firstAborts.size() < MAX_ABORTS_KEPT) {
        firstAborts.add(new Abort(s.index, s.abortPc, s.abortReason));
      }
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
