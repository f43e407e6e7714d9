package io.xdpemu.nic;

import io.xdpemu.nic.firmware.Layout;
import io.xdpemu.nic.firmware.Source;
import io.xdpemu.nic.parse.Bits;
import io.xdpemu.nic.parse.ParseResult;
import java.util.Arrays;

/**
 * A metadata or descriptor layout compiled for writing: flat arrays of (offset, size, byte order,
 * source), walked once per frame. The whole block is zeroed first, so gaps and unselected union
 * bytes are deterministic (the kernel leaves new metadata bytes uninitialised; the emulator chooses
 * zero).
 */
final class LayoutWriter {
  private final int size;
  private final int[] off;
  private final int[] width;
  private final boolean[] bigEndian;
  private final Source[] source;
  private final long[] argument;
  private final Layout.FieldRef[] ref;

  /** Per union field: base offset, member ptype sets and member writers. */
  private final int[] unionOff;

  private final long[][][] unionPtypes;
  private final LayoutWriter[][] unionMembers;

  LayoutWriter(Layout layout) {
    size = layout.size();
    int scalars = 0;
    int unions = 0;
    for (Layout.Member m : layout.fields()) {
      if (m.union() != null) {
        unions++;
      } else {
        scalars++;
      }
    }
    off = new int[scalars];
    width = new int[scalars];
    bigEndian = new boolean[scalars];
    source = new Source[scalars];
    argument = new long[scalars];
    ref = new Layout.FieldRef[scalars];
    unionOff = new int[unions];
    unionPtypes = new long[unions][][];
    unionMembers = new LayoutWriter[unions][];
    int s = 0;
    int u = 0;
    for (Layout.Member m : layout.fields()) {
      if (m.union() != null) {
        unionOff[u] = m.offset();
        int n = m.union().members().size();
        unionPtypes[u] = new long[n][];
        unionMembers[u] = new LayoutWriter[n];
        for (int i = 0; i < n; i++) {
          Layout.UnionMember um = m.union().members().get(i);
          unionPtypes[u][i] = um.ptypes();
          unionMembers[u][i] = new LayoutWriter(um.layout());
        }
        u++;
      } else {
        off[s] = m.offset();
        width[s] = m.scalar().size;
        bigEndian[s] = m.scalar().bigEndian;
        source[s] = m.source();
        argument[s] = m.argument();
        ref[s] = m.fieldRef();
        s++;
      }
    }
  }

  int size() {
    return size;
  }

  /**
   * Writes the block at {@code dst[base, base+size)}; {@code pkt[pktOff..]} is the frame the
   * offsets in {@code r} refer to.
   */
  void write(byte[] dst, int base, ParseResult r, RxFacts f, byte[] pkt, int pktOff) {
    Arrays.fill(dst, base, base + size, (byte) 0);
    fill(dst, base, r, f, pkt, pktOff);
  }

  private void fill(byte[] dst, int base, ParseResult r, RxFacts f, byte[] pkt, int pktOff) {
    for (int i = 0; i < off.length; i++) {
      long v = value(i, r, f, pkt, pktOff);
      store(dst, base + off[i], width[i], bigEndian[i], v);
    }
    for (int u = 0; u < unionOff.length; u++) {
      int member = select(u, r.ptype);
      if (member >= 0) {
        unionMembers[u][member].fill(dst, base + unionOff[u], r, f, pkt, pktOff);
      }
    }
  }

  private int select(int u, long ptype) {
    long[][] sets = unionPtypes[u];
    for (int m = 0; m < sets.length; m++) {
      for (long p : sets[m]) {
        if (p == ptype) {
          return m;
        }
      }
    }
    return -1;
  }

  private long value(int i, ParseResult r, RxFacts f, byte[] pkt, int pktOff) {
    switch (source[i]) {
      case TIMESTAMP:
        return f.timestampNs;
      case RSS_HASH:
        return r.rssHash & 0xffffffffL;
      case RSS_HASH_TYPE:
        return r.rssHashType;
      case PTYPE:
        return r.ptype;
      case VLAN_TCI:
        return r.vlanTci;
      case VLAN_PROTO:
        return r.vlanProto;
      case L2_OFFSET:
        return r.l2Offset;
      case L3_OFFSET:
        return r.l3Offset;
      case L4_OFFSET:
        return r.l4Offset;
      case INNER_L3_OFFSET:
        return r.innerL3Offset;
      case INNER_L4_OFFSET:
        return r.innerL4Offset;
      case L4_SPORT:
        return r.l4Ports >>> 16;
      case L4_DPORT:
        return r.l4Ports & 0xffff;
      case PAYLOAD_OFFSET:
        return r.payloadOffset;
      case CHECKSUM_STATUS:
        return r.checksumStatus;
      case FLOW_MARK:
        return r.flowMark;
      case RX_DESCRIPTOR:
        return f.descriptorAddress();
      case BUFFER_ADDRESS:
        return f.bufferAddress();
      case DATA_ADDRESS:
        return f.dataAddress();
      case PACKET_LENGTH:
        return r.packetLength;
      case HEADROOM:
        return f.headroom;
      case QUEUE:
        return f.queue;
      case PARSE_STATUS:
        return r.status.ordinal();
      case HEADER_COUNT:
        return r.count;
      case RING_INDEX:
        return f.ringIndex;
      case CONST:
        return argument[i];
      case FIELD:
        {
          Layout.FieldRef fr = ref[i];
          int idx = firstAny(r, fr.header());
          return idx < 0 ? 0 : Bits.get(pkt, pktOff + r.offset[idx], fr.bitOffset(), fr.width());
        }
      case ZERO:
      default:
        return 0;
    }
  }

  private static int firstAny(ParseResult r, int header) {
    for (int i = 0; i < r.count; i++) {
      if (r.type[i] == header) {
        return i;
      }
    }
    return -1;
  }

  static void store(byte[] dst, int at, int bytes, boolean bigEndian, long v) {
    for (int b = 0; b < bytes; b++) {
      int shift = 8 * (bigEndian ? bytes - 1 - b : b);
      dst[at + b] = (byte) (v >>> shift);
    }
  }
}
