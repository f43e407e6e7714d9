package io.xdpemu.runtime;

/**
 * One batch of a multi-lane replay: every lane cuts the same batches from its own walk of the
 * captures; the replaying thread (lane 0) notes where the batch starts and how many frames it
 * holds, and emits it. When a sink reads the frames, the batch has one packet slot per frame, which
 * the frame's lane runs it in and the replaying thread emits it from.
 */
final class ReplayBatch {
  /**
   * The batch's frames in input order when a sink reads them (else empty: see {@link #slotsFor}).
   */
  PacketSlot[] slots = new PacketSlot[0];

  /** Frames a batch holds at most. */
  final int capacity;

  /** The packet index of slot 0 (lane 0's). */
  long firstIndex;

  /** Frames in the batch (lane 0's). */
  int filled;

  ReplayBatch(int size) {
    capacity = size;
  }

  /**
   * Makes the packet slots exist when a sink reads the frames (the frames then run in them and are
   * emitted from them); a replay without outputs never allocates them. Called before a pass starts.
   */
  void slotsFor(boolean emit) {
    if (emit && slots.length == 0) {
      slots = new PacketSlot[capacity];
      for (int i = 0; i < capacity; i++) {
        slots[i] = new PacketSlot();
      }
    }
  }
}
