package io.xdpemu.nic.parse;

import io.xdpemu.ebpf.vm.LinePadded;

/**
 * What the NIC learned about one frame: the header stack (type, offset, length and tunnel level of
 * each extracted header, like ice_parser_result's proto/offset pairs) and the derived outputs
 * (ptype, RSS hash, VLAN tag, L3/L4 offsets, checksum status, flow mark). One instance per RX
 * queue, reused for every frame: nothing is allocated per packet.
 *
 * <p>Absent offsets are -1.
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
  public int innerL3Offset;
  public int innerL4Offset;
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

  /** Ints {@link #pack} writes for a result of {@code capacity} headers, at most. */
  public static int packedInts(int capacity) {
    return PACKED_FIXED + 4 * capacity;
  }

  private static final int PACKED_FIXED = 23;

  private static final ParseStatus[] STATUSES = ParseStatus.values();

  /**
   * Writes every field into {@code dst} from {@code at} (the header stack last, four ints per
   * header, so a short stack touches few cache lines): the compact form a frame's result crosses
   * threads in (one sequential run of ints instead of an object and four arrays). {@link #unpack}
   * reads it back; {@code PackedParseTest} checks that every field makes the round trip. Returns
   * the ints written ({@link #packedInts} of the stack's depth).
   */
  public int pack(int[] dst, int at) {
    dst[at] = count;
    dst[at + 1] = status.ordinal();
    dst[at + 2] = errorOffset;
    dst[at + 3] = packetLength;
    dst[at + 4] = (int) ptype;
    dst[at + 5] = (int) (ptype >>> 32);
    dst[at + 6] = ptypeRule;
    dst[at + 7] = rssHash;
    dst[at + 8] = rssHashType;
    dst[at + 9] = rssClass;
    dst[at + 10] = vlanTci;
    dst[at + 11] = vlanProto;
    dst[at + 12] = vlanOffset;
    dst[at + 13] = l2Offset;
    dst[at + 14] = l3Offset;
    dst[at + 15] = l4Offset;
    dst[at + 16] = innerL3Offset;
    dst[at + 17] = innerL4Offset;
    dst[at + 18] = payloadOffset;
    dst[at + 19] = l4Ports;
    dst[at + 20] = checksumStatus;
    dst[at + 21] = (int) flowMark;
    dst[at + 22] = (int) (flowMark >>> 32);
    for (int i = 0, o = at + PACKED_FIXED; i < count; i++, o += 4) {
      dst[o] = type[i];
      dst[o + 1] = offset[i];
      dst[o + 2] = length[i];
      dst[o + 3] = level[i];
    }
    return PACKED_FIXED + 4 * count;
  }

  /** Reads what {@link #pack} wrote (into a result of at least the packing one's capacity). */
  public void unpack(int[] src, int at) {
    int n = src[at];
    count = n;
    status = STATUSES[src[at + 1]];
    errorOffset = src[at + 2];
    packetLength = src[at + 3];
    ptype = (src[at + 4] & 0xffffffffL) | ((long) src[at + 5] << 32);
    ptypeRule = src[at + 6];
    rssHash = src[at + 7];
    rssHashType = src[at + 8];
    rssClass = src[at + 9];
    vlanTci = src[at + 10];
    vlanProto = src[at + 11];
    vlanOffset = src[at + 12];
    l2Offset = src[at + 13];
    l3Offset = src[at + 14];
    l4Offset = src[at + 15];
    innerL3Offset = src[at + 16];
    innerL4Offset = src[at + 17];
    payloadOffset = src[at + 18];
    l4Ports = src[at + 19];
    checksumStatus = src[at + 20];
    flowMark = (src[at + 21] & 0xffffffffL) | ((long) src[at + 22] << 32);
    for (int i = 0, o = at + PACKED_FIXED; i < n; i++, o += 4) {
      type[i] = src[o];
      offset[i] = src[o + 1];
      length[i] = src[o + 2];
      level[i] = src[o + 3];
    }
  }
}
