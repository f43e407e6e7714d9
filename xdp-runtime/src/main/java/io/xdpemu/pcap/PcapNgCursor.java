package io.xdpemu.pcap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * pcapng files (IETF draft-ietf-opsawg-pcapng): a sequence of sections, each a Section Header Block
 * followed by Interface Description Blocks and packet blocks. Every block has the same frame:
 *
 * <pre>
 *  +---------------+---------------+------------------------+---------------+
 *  | block type u32| total len u32 | body (padded to 32 bit)| total len u32 |
 *  +---------------+---------------+------------------------+---------------+
 *
 *  SHB 0x0A0D0D0A: byte-order magic 0x1A2B3C4D, major u16 (1), minor u16, section length s64, opts
 *  IDB 1:          link type u16, reserved u16, snaplen u32, options (if_tsresol = 9, if_tsoffset = 14)
 *  EPB 6:          interface u32, ts high u32, ts low u32, captured u32, original u32, data, options
 *  SPB 3:          original u32, data (captured = min(original, snaplen of interface 0))
 *  OPB 2 (obsolete): interface u16, drops u16, ts high, ts low, captured u32, original u32, data
 * </pre>
 *
 * Other block types (name resolution, statistics, custom, ...) are skipped. Byte order is per
 * section. Interface ids are section-local in the file; {@link #interfaceId()} reports the IDB's
 * index counted over the whole file so it stays unique. A Simple Packet Block has no timestamp: it
 * takes the previous packet's (the capture's virtual clock never runs backwards).
 */
final class PcapNgCursor extends CaptureCursor {
  static final int SHB = 0x0A0D0D0A;
  static final int IDB = 1;
  static final int OPB = 2;
  static final int SPB = 3;
  static final int EPB = 6;
  static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;

  private int pos;
  private boolean inSection;

  /** Interfaces of the file, in IDB order; sectionBase = index of this section's first. */
  private int interfaces;

  private int sectionBase;
  private int[] ifLinkType = new int[4];
  private long[] ifSnaplen = new long[4];
  private long[] ifUnitsPerSecond = new long[4];
  private long[] ifOffsetNs = new long[4];

  PcapNgCursor(String file, ByteBuffer buf) {
    super(file, buf);
    if (buf.limit() < 28 || buf.getInt(0) != SHB) {
      throw malformed(0, "file does not start with a pcapng Section Header Block");
    }
  }

  @Override
  public String format() {
    return "pcapng";
  }

  @Override
  public void rewind() {
    pos = 0;
    index = -1;
    interfaces = 0;
    sectionBase = 0;
    inSection = false;
    timestampNs = 0;
  }

  @Override
  public boolean next() {
    int limit = buf.limit();
    while (pos < limit) {
      int at = pos;
      if (limit - at < 12) {
        throw malformed(at, "truncated block header (" + (limit - at) + " bytes left)");
      }
      int type = buf.getInt(at);
      if (type == SHB) {
        enterSection(at);
      } else if (!inSection) {
        throw malformed(at, "block before the first Section Header Block");
      }
      int total = buf.getInt(at + 4);
      if (total < 12 || (total & 3) != 0 || total > limit - at) {
        throw malformed(
            at,
            "bad block length "
                + Integer.toUnsignedString(total)
                + " for block type "
                + Integer.toUnsignedString(type)
                + " ("
                + (limit - at)
                + " bytes left in the file)");
      }
      if (buf.getInt(at + total - 4) != total) {
        throw malformed(at + total - 4, "trailing block length does not match the leading one");
      }
      pos = at + total;
      switch (type) {
        case IDB -> readInterface(at, total);
        case EPB -> {
          readEnhanced(at, total);
          return true;
        }
        case SPB -> {
          readSimple(at, total);
          return true;
        }
        case OPB -> {
          readObsolete(at, total);
          return true;
        }
        default -> {
          // SHB (handled above), NRB, ISB, DSB, custom blocks: nothing for the replay.
        }
      }
    }
    return false;
  }

  private void enterSection(int at) {
    buf.order(ByteOrder.LITTLE_ENDIAN);
    int magic = buf.getInt(at + 8);
    if (magic != BYTE_ORDER_MAGIC) {
      buf.order(ByteOrder.BIG_ENDIAN);
      magic = buf.getInt(at + 8);
    }
    if (magic != BYTE_ORDER_MAGIC) {
      throw malformed(at + 8, String.format("bad byte-order magic 0x%08x", magic));
    }
    int major = Short.toUnsignedInt(buf.getShort(at + 12));
    if (major != 1) {
      throw malformed(at + 12, "unsupported pcapng version " + major + " (want 1.x)");
    }
    if (buf.getInt(at + 4) < 28) {
      throw malformed(at + 4, "Section Header Block shorter than 28 bytes");
    }
    inSection = true;
    sectionBase = interfaces;
  }

  private void readInterface(int at, int total) {
    if (total < 20) {
      throw malformed(at, "Interface Description Block shorter than 20 bytes");
    }
    int type = Short.toUnsignedInt(buf.getShort(at + 8));
    requireReplayable(at + 8, type);
    if (interfaces == ifLinkType.length) {
      int n = interfaces * 2;
      ifLinkType = Arrays.copyOf(ifLinkType, n);
      ifSnaplen = Arrays.copyOf(ifSnaplen, n);
      ifUnitsPerSecond = Arrays.copyOf(ifUnitsPerSecond, n);
      ifOffsetNs = Arrays.copyOf(ifOffsetNs, n);
    }
    ifLinkType[interfaces] = type;
    ifSnaplen[interfaces] = Integer.toUnsignedLong(buf.getInt(at + 12));
    ifUnitsPerSecond[interfaces] = 1_000_000;
    ifOffsetNs[interfaces] = 0;
    readInterfaceOptions(at + 16, at + total - 4, interfaces);
    interfaces++;
  }

  /** Options: {code u16, length u16, value padded to 32 bits}, ended by opt_endofopt (0). */
  private void readInterfaceOptions(int p, int end, int iface) {
    while (p + 4 <= end) {
      int code = Short.toUnsignedInt(buf.getShort(p));
      int len = Short.toUnsignedInt(buf.getShort(p + 2));
      if (code == 0) {
        return;
      }
      int next = p + 4 + ((len + 3) & ~3);
      if (next > end) {
        throw malformed(p, "option " + code + " of length " + len + " runs past its block");
      }
      if (code == 9 && len >= 1) {
        ifUnitsPerSecond[iface] = unitsPerSecond(p + 4, buf.get(p + 4));
      } else if (code == 14 && len >= 8) {
        ifOffsetNs[iface] = buf.getLong(p + 4) * 1_000_000_000L;
      }
      p = next;
    }
  }

  /** if_tsresol: high bit clear = 10^-v s, set = 2^-v s per unit. */
  private long unitsPerSecond(int at, byte v) {
    int exp = v & 0x7f;
    if ((v & 0x80) == 0) {
      if (exp > 18) {
        throw malformed(at, "if_tsresol 10^-" + exp + " is finer than xdpemu can represent");
      }
      long u = 1;
      for (int i = 0; i < exp; i++) {
        u *= 10;
      }
      return u;
    }
    if (exp > 62) {
      throw malformed(at, "if_tsresol 2^-" + exp + " is finer than xdpemu can represent");
    }
    return 1L << exp;
  }

  private int checkInterface(int at, long id) {
    if (id < 0 || id >= interfaces - sectionBase) {
      throw malformed(
          at,
          "packet on interface " + id + " but the section describes " + (interfaces - sectionBase));
    }
    return sectionBase + (int) id;
  }

  private void readEnhanced(int at, int total) {
    if (total < 32) {
      throw malformed(at, "Enhanced Packet Block shorter than 32 bytes");
    }
    int iface = checkInterface(at + 8, Integer.toUnsignedLong(buf.getInt(at + 8)));
    long units =
        (Integer.toUnsignedLong(buf.getInt(at + 12)) << 32)
            | Integer.toUnsignedLong(buf.getInt(at + 16));
    int cap = buf.getInt(at + 20);
    setPacket(at, at + 28, cap, buf.getInt(at + 24), total - 32, iface);
    timestampNs = toNs(units, iface);
  }

  private void readObsolete(int at, int total) {
    if (total < 32) {
      throw malformed(at, "Packet Block shorter than 32 bytes");
    }
    int iface = checkInterface(at + 8, Short.toUnsignedInt(buf.getShort(at + 8)));
    long units =
        (Integer.toUnsignedLong(buf.getInt(at + 12)) << 32)
            | Integer.toUnsignedLong(buf.getInt(at + 16));
    setPacket(at, at + 28, buf.getInt(at + 20), buf.getInt(at + 24), total - 32, iface);
    timestampNs = toNs(units, iface);
  }

  private void readSimple(int at, int total) {
    if (total < 16) {
      throw malformed(at, "Simple Packet Block shorter than 16 bytes");
    }
    int iface = checkInterface(at, 0);
    int orig = buf.getInt(at + 8);
    long cap = Integer.toUnsignedLong(orig);
    long snap = ifSnaplen[iface];
    if (snap != 0 && cap > snap) {
      cap = snap;
    }
    cap = Math.min(cap, total - 16);
    setPacket(at, at + 12, (int) cap, orig, total - 16, iface);
    // No timestamp in an SPB: keep the previous packet's.
  }

  private void setPacket(int at, int data, int cap, int orig, int room, int iface) {
    if (cap < 0 || cap > MAX_RECORD) {
      throw malformed(
          at, "captured length " + Integer.toUnsignedString(cap) + " exceeds " + MAX_RECORD);
    }
    if (cap > room) {
      throw malformed(at, "captured length " + cap + " exceeds the block's " + room + " bytes");
    }
    recordOffset = at;
    dataOffset = data;
    capturedLength = cap;
    originalLength = orig < 0 ? Integer.MAX_VALUE : orig;
    interfaceId = iface;
    linkType = ifLinkType[iface];
    fcsLength = 0;
    index++;
  }

  private long toNs(long units, int iface) {
    long ups = ifUnitsPerSecond[iface];
    long sec = Long.divideUnsigned(units, ups);
    long rem = Long.remainderUnsigned(units, ups);
    // rem < ups; the exact product fits in a long while ups <= 2^63 / 10^9.
    long frac =
        ups <= 9_223_372_036L ? rem * 1_000_000_000L / ups : (long) ((double) rem * 1e9 / ups);
    return sec * 1_000_000_000L + frac + ifOffsetNs[iface];
  }
}
