package io.xdpemu.runtime;

/**
 * One batch of a multi-lane replay: where its records lie in the captures, in input order, and
 * (when a sink reads the frames) one packet slot per frame, which the frame's lane runs it in and
 * the replaying thread emits it from. The reader only locates records and writes the compact arrays
 * below; every lane reads them and copies or steers the frames itself.
 */
final class ReplayBatch {
  /**
   * The batch's frames in input order when a sink reads them (else empty: see {@link #slotsFor}).
   */
  PacketSlot[] slots = new PacketSlot[0];

  /** Frames a batch holds at most. */
  final int capacity;

  /**
   * Where each record lies: its capture buffer (read with absolute gets only, so every lane may
   * read it at once), the record's data offset, its length less the FCS, link type and time.
   */
  final java.nio.ByteBuffer[] source;

  final int[] offset;
  final int[] length;
  final int[] linkType;
  final long[] timestampNs;

  /** The packet index of slot 0. */
  long firstIndex;

  int filled;

  /** This batch's sequence number while it runs (1, 2, ... over the replay; never reused). */
  long seq;

  ReplayBatch(int size) {
    capacity = size;
    source = new java.nio.ByteBuffer[size];
    offset = new int[size];
    length = new int[size];
    linkType = new int[size];
    timestampNs = new long[size];
  }

  /**
   * Makes the packet slots exist when a sink reads the frames (the frames then run in them and are
   * emitted from them); a replay without outputs never allocates them. Called before the batch is
   * published to the lanes.
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
