package io.xdpemu.nic.parse;

import io.xdpemu.ebpf.vm.LinePadded;

/**
 * What the NIC learned about one frame: the header stack (type, offset, length and tunnel level of
 * each extracted header, like ice_parser_result's proto/offset pairs) and the derived outputs
 * (ptype, RSS hash, VLAN tag, L3/L4 offsets, checksum status, flow mark). One instance per RX
 * queue, reused for every frame: nothing is allocated per packet.
 *
 * <p>Absent offsets are -1.
 *
 * <p>A result serves one firmware (each firmware makes its own, {@code newResult}): what a firmware
 * can only ever leave at its initial value is not written per frame by the compiled firmware - the
 * levels and inner offsets of a graph without tunnels (0 and -1 as made here).
 */
public final class ParseResult extends LinePadded {
  public static final int CSUM_L3_CHECKED = 1;
  public static final int CSUM_L3_GOOD = 2;
  public static final int CSUM_L4_CHECKED = 4;
  public static final int CSUM_L4_GOOD = 8;

  public int count;
  public final int[] type;
  public final int[] offset;
  public final int[] length;
  public final int[] level;
  public ParseStatus status = ParseStatus.OK;

  /** Frame offset where parsing stopped with an error (the header that did not fit). */
  public int errorOffset;

  public int packetLength;

  public long ptype;

  /** Index of the matching ptype rule, -1 for the default. */
  public int ptypeRule;

  public int rssHash;

  /**
   * An input, not a result: null for the whole steer stage; else the compiled steer stops right
   * after the RSS hash when {@code fullFor[rssHash & (fullFor.length - 1)]} is false (a frame for
   * another thread's queue: only its queue is wanted), leaving the rest of the result stale. Set
   * and cleared around one steer by {@code Nic.steerFor}; the interpreter always does it all.
   */
  public boolean[] fullFor;

  public int rssHashType;

  /** Index of the matching RSS traffic class, -1 when none matched. */
  public int rssClass;

  public int vlanTci;
  public int vlanProto;

  /** Frame offset of the outermost VLAN tag at level 0, -1 when none. */
  public int vlanOffset = -1;

  public int l2Offset;
  public int l3Offset;
  public int l4Offset;
  public int innerL3Offset = -1;
  public int innerL4Offset = -1;
  public int payloadOffset;

  /** Source port << 16 | destination port of the outer TCP/UDP/SCTP header, 0 otherwise. */
  public int l4Ports;

  public int checksumStatus;
  public long flowMark;

  public ParseResult(int maxHeaders) {
    type = new int[maxHeaders];
    offset = new int[maxHeaders];
    length = new int[maxHeaders];
    level = new int[maxHeaders];
  }

  public int capacity() {
    return type.length;
  }

  void reset(int len) {
    count = 0;
    status = ParseStatus.OK;
    errorOffset = -1;
    packetLength = len;
  }

  /**
   * The parse ended with {@code s} at {@code cursor} after {@code count} headers (the compiled
   * firmware's error exit, out of line: it is the cold path).
   */
  public void failed(ParseStatus s, int cursor, int headers) {
    status = s;
    errorOffset = cursor;
    payloadOffset = cursor;
    count = headers;
  }

  void push(int headerType, int off, int len, int lvl) {
    type[count] = headerType;
    offset[count] = off;
    length[count] = len;
    level[count] = lvl;
    count++;
  }

  /** Index of the most recent instance of {@code headerType}, or -1. */
  public int last(int headerType) {
    for (int i = count - 1; i >= 0; i--) {
      if (type[i] == headerType) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Offset of the latest instance of {@code headerType} among the first {@code headers} headers, -1
   * if none: what {@link #last} finds, for the compiled firmware's inner part, which calls it
   * before {@link #count} is stored.
   */
  public int latestOffset(int headers, int headerType) {
    for (int i = headers - 1; i >= 0; i--) {
      if (type[i] == headerType) {
        return offset[i];
      }
    }
    return -1;
  }

  /** Index of the first instance of {@code headerType} at {@code lvl}, or -1. */
  public int first(int headerType, int lvl) {
    for (int i = 0; i < count; i++) {
      if (type[i] == headerType && level[i] == lvl) {
        return i;
      }
    }
    return -1;
  }

  /** The deepest tunnel level present (0 without tunnels). */
  public int maxLevel() {
    int m = 0;
    for (int i = 0; i < count; i++) {
      m = Math.max(m, level[i]);
    }
    return m;
  }
}
