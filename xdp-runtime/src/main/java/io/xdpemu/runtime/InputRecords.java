package io.xdpemu.runtime;

import io.xdpemu.pcap.Capture;
import io.xdpemu.pcap.CaptureCursor;
import java.util.List;

/**
 * The records of a replay's captures as one stream, in order, with one record of look-ahead: {@link
 * #peek} moves to the next record and holds it until {@link #take}, so the reader can see that a
 * firmware swap is due before a packet without consuming it (the swap waits until everything before
 * the packet has run). Allocates one cursor per capture.
 */
final class InputRecords {
  private final List<Capture> captures;
  private int nextCapture;
  private CaptureCursor cursor;
  private boolean held;
  private boolean ended;
  private long firstTs = Long.MIN_VALUE;
  private long index;

  InputRecords(List<Capture> captures) {
    this.captures = captures;
  }

  /** Holds the next record (or keeps the one held); false at the end of the last capture. */
  boolean peek() {
    if (held) {
      return true;
    }
    if (ended) {
      return false;
    }
    while (cursor == null || !cursor.next()) {
      if (nextCapture == captures.size()) {
        ended = true;
        return false;
      }
      cursor = captures.get(nextCapture++).cursor();
    }
    if (firstTs == Long.MIN_VALUE) {
      firstTs = cursor.timestampNs();
    }
    held = true;
    return true;
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
