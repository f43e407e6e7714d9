package io.xdpemu.pcap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Classic libpcap files (pcap/pcap.h, tcpdump.org "PCAP Capture File Format"):
 *
 * <pre>
 *  global header (24 bytes)                         record header (16 bytes) + data
 *  +------------+-------+-------+                   +---------+-----------+
 *  | magic  u32 | major | minor |                   | ts_sec  | ts_usec / |
 *  +------------+-------+-------+                   |   u32   | ts_nsec   |
 *  | thiszone s32 | sigfigs u32 |                   +---------+-----------+
 *  +------------+---------------+                   | incl_len| orig_len  |
 *  | snaplen u32| linktype u32  |                   +---------+-----------+
 *  +------------+---------------+                   | incl_len bytes ...  |
 * </pre>
 *
 * The magic says the byte order and the timestamp unit: {@code a1b2c3d4} microseconds, {@code
 * a1b23c4d} nanoseconds, each in the writer's byte order. The link type's upper bits may carry the
 * FCS length (LT_FCS_LENGTH_PRESENT, bit 26; length in 16-bit words in bits 28-31).
 */
final class PcapCursor extends CaptureCursor {
  static final int MAGIC_MICRO = 0xa1b2c3d4;
  static final int MAGIC_NANO = 0xa1b23c4d;
  static final int GLOBAL_HEADER = 24;
  static final int RECORD_HEADER = 16;

  private final long fracToNs;
  private final int fileLinkType;
  private final int fileFcs;
  private int pos = GLOBAL_HEADER;

  PcapCursor(String file, ByteBuffer buf) {
    super(file, buf);
    if (buf.limit() < GLOBAL_HEADER) {
      throw malformed(0, "file is " + buf.limit() + " bytes, shorter than the 24-byte header");
    }
    buf.order(ByteOrder.LITTLE_ENDIAN);
    int magic = buf.getInt(0);
    if (magic != MAGIC_MICRO && magic != MAGIC_NANO) {
      buf.order(ByteOrder.BIG_ENDIAN);
      magic = buf.getInt(0);
    }
    if (magic != MAGIC_MICRO && magic != MAGIC_NANO) {
      throw malformed(0, String.format("bad magic 0x%08x", buf.getInt(0)));
    }
    fracToNs = magic == MAGIC_NANO ? 1 : 1000;
    int major = Short.toUnsignedInt(buf.getShort(4));
    if (major != 2) {
      throw malformed(4, "unsupported version " + major + "." + buf.getShort(6) + " (want 2.x)");
    }
    int rawType = buf.getInt(20);
    fileLinkType = rawType & 0x03ffffff;
    fileFcs = (rawType & 0x04000000) != 0 ? ((rawType >>> 28) & 0xf) * 2 : 0;
    requireReplayable(20, fileLinkType);
    linkType = fileLinkType;
  }

  @Override
  public String format() {
    return "pcap";
  }

  @Override
  public boolean next() {
    int limit = buf.limit();
    if (pos >= limit) {
      return false;
    }
    if (limit - pos < RECORD_HEADER) {
      throw malformed(
          pos,
          "truncated record header ("
              + (limit - pos)
              + " of "
              + RECORD_HEADER
              + " bytes before the end of the file)");
    }
    int incl = buf.getInt(pos + 8);
    if (incl < 0 || incl > MAX_RECORD) {
      throw malformed(
          pos,
          "record length "
              + Integer.toUnsignedString(incl)
              + " exceeds the maximum of "
              + MAX_RECORD);
    }
    if (incl > limit - pos - RECORD_HEADER) {
      throw malformed(
          pos,
          "truncated record: "
              + incl
              + " bytes announced, "
              + (limit - pos - RECORD_HEADER)
              + " left in the file");
    }
    // Only what locating the record needs; the timestamp, original length and FCS are read from
    // the record header when asked for (a replay's lanes walk every record, most of them another
    // lane's, and ask only for their own).
    recordOffset = pos;
    dataOffset = pos + RECORD_HEADER;
    capturedLength = incl;
    index++;
    pos = dataOffset + incl;
    return true;
  }

  @Override
  public long timestampNs() {
    long sec = Integer.toUnsignedLong(buf.getInt(recordOffset));
    long frac = Integer.toUnsignedLong(buf.getInt(recordOffset + 4));
    return sec * 1_000_000_000L + frac * fracToNs;
  }

  @Override
  public int originalLength() {
    int orig = buf.getInt(recordOffset + 12);
    return orig < 0 ? Integer.MAX_VALUE : orig;
  }

  @Override
  public int fcsLength() {
    return Math.min(fileFcs, capturedLength);
  }

  @Override
  public void rewind() {
    pos = GLOBAL_HEADER;
    index = -1;
  }
}
