package io.xdpemu.nic;

import io.xdpemu.ebpf.vm.LinePadded;
import io.xdpemu.nic.parse.ParseResult;

/**
 * Everything the NIC learns about one frame in its steer stage, carried with the frame to its RX
 * queue: the parse result (header offsets, packet type, RSS hash, checksum verdicts, flow mark,
 * VLAN tag), the queue RSS picked, and the VLAN tag the queue removes while copying. The queue
 * stage writes the descriptor and the metadata from it without reading the headers again.
 *
 * <p>One per frame in flight (the replay keeps one in each packet slot), reused for every frame it
 * carries: it allocates only when a firmware swap changes the result's size.
 */
public final class RxParse extends LinePadded {
  ActiveFirmware fw;
  ParseResult result;
  byte[] rssInput;
  int queue;

  /** Frame offset of the VLAN tag the queue strips while copying, -1 for none. */
  int stripOffset = -1;

  /** False until {@link Nic#steer(byte[], int, int, RxParse)} filled it for the current frame. */
  boolean steered;

  /** The queues the owner runs ({@link #onlyFor}); null: all. */
  private boolean[] onlyQueues;

  /**
   * For the current firmware, by {@code rssHash & (length - 1)}: whether the frame's queue is one
   * of {@link #onlyQueues}; null when they are all queues or the firmware's indirection table is
   * not a power of two (then every frame is steered whole).
   */
  boolean[] fullFor;

  /**
   * Tells the NIC which queues' frames the owner of this parse result runs (a replay lane): {@link
   * Nic#steer(byte[], int, int, RxParse)} then stops once the queue of any other frame is known (no
   * packet type, checksum verdicts or flow mark) and leaves it not steered, so a queue that
   * receives it classifies it again. The queue it returns is the same either way.
   */
  public void onlyFor(boolean[] queues) {
    onlyQueues = queues.clone();
    fw = null; // the next prepare builds the table for the firmware of the day
  }

  /** The RX queue RSS picked. */
  public int queue() {
    return queue;
  }

  /** The parse result (offsets already as the program sees the frame, after VLAN stripping). */
  public ParseResult result() {
    return result;
  }

  /** Sizes the scratch state for {@code f} (allocates only when the firmware changed). */
  void prepare(ActiveFirmware f) {
    if (fw != f) {
      fw = f;
      result = f.code().newResult();
      rssInput = new byte[Math.max(1, f.code().scratchBytes())];
      fullFor = f.fullSteerTable(onlyQueues);
    }
  }
}
