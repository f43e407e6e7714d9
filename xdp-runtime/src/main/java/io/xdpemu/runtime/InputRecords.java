package io.xdpemu.runtime;

import io.xdpemu.pcap.Capture;
import io.xdpemu.pcap.CaptureCursor;
import java.util.List;

/**
 * The records of a replay's captures as one stream, in order, with one record of look-ahead: {@link
 * #peek} moves to the next record and holds it until {@link #take}, so the reader can see that a
 * firmware swap is due before a packet without consuming it (the swap waits until everything before
 * the packet has run). Reusable: {@link #start} begins another pass, rewinding the cursor it
 * already has for a capture it has seen (a pass of the same captures allocates nothing).
 */
final class InputRecords {
  private List<Capture> captures = List.of();

  /** One cursor per capture seen, rewound whenever its capture comes round again. */
  private final java.util.IdentityHashMap<Capture, CaptureCursor> cursors =
      new java.util.IdentityHashMap<>();

  private int nextCapture;
  private CaptureCursor cursor;
  private boolean held;
  private boolean ended;
  private long firstTs = Long.MIN_VALUE;
  private long index;

  /**
   * The heap array behind the current cursor's buffer (null for a mapped capture) and where the
   * buffer starts in it: found once per capture, not per record.
   */
  private byte[] heap;

  private int heapBase;

  /** Starts a pass over {@code captures}: before their first record, packet index 0. */
  InputRecords start(List<Capture> captures) {
    this.captures = captures;
    nextCapture = 0;
    cursor = null;
    held = false;
    ended = false;
    firstTs = Long.MIN_VALUE;
    index = 0;
    return this;
  }

  /** Holds the next record (or keeps the one held); false at the end of the last capture. */
  boolean peek() {
    if (held) {
      return true;
    }
    CaptureCursor c = cursor;
    if (c != null && c.next()) { // the usual case: the next record of the same capture
      held = true;
      return true;
    }
    return peekNextCapture();
  }

  /** {@link #peek} past the end of the current capture (or before the first). */
  private boolean peekNextCapture() {
    if (ended) {
      return false;
    }
    while (cursor == null || !cursor.next()) {
      if (nextCapture == captures.size()) {
        ended = true;
        cursor = null; // a finished cursor is not asked again
        return false;
      }
      Capture next = captures.get(nextCapture++);
      cursor = cursors.get(next);
      if (cursor == null) {
        cursor = next.cursor();
        cursors.put(next, cursor);
      } else {
        cursor.rewind();
      }
      java.nio.ByteBuffer b = cursor.buffer();
      heap = b.hasArray() ? b.array() : null;
      heapBase = heap != null ? b.arrayOffset() : 0;
    }
    if (firstTs == Long.MIN_VALUE) {
      firstTs = cursor.timestampNs();
    }
    held = true;
    return true;
  }

  /**
   * The array the held record's capture lies in, when it is held in memory (then the record's bytes
   * are at {@link #heapBase()} + the cursor's data offset), else null.
   */
  byte[] heapArray() {
    return heap;
  }

  int heapBase() {
    return heapBase;
  }

  /** The cursor at the held record. */
  CaptureCursor cursor() {
    return cursor;
  }

  /** The index the held record will have (packets taken so far). */
  long index() {
    return index;
  }

  /** Capture time of the held record since the first record of the replay. */
  long sinceFirstNs() {
    return cursor.timestampNs() - firstTs;
  }

  /** Consumes the held record; returns its packet index. */
  long take() {
    held = false;
    return index++;
  }
}
