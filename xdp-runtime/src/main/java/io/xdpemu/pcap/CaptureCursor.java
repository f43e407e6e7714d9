package io.xdpemu.pcap;

import io.xdpemu.ebpf.MalformedInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A forward cursor over the packet records of a memory-mapped capture. {@link #next()} moves to the
 * following packet record and exposes where its bytes lie in {@link #buffer()}; nothing is
 * allocated per packet. Every structural problem is reported as a {@link MalformedInputException}
 * naming the file and the byte offset of the offending header.
 *
 * <p>Use {@link CaptureReader#open} to get one; it has already walked the whole file once, so a
 * cursor over a file that opened fine does not throw.
 */
public abstract class CaptureCursor {
  /** libpcap's MAXIMUM_SNAPLEN: larger records are corrupt (pcap-common.h). */
  public static final int MAX_RECORD = 262144;

  protected final String file;
  protected final ByteBuffer buf;

  protected int recordOffset;
  protected int dataOffset;
  protected int capturedLength;
  protected int originalLength;
  protected long timestampNs;
  protected int interfaceId;
  protected int linkType;
  protected int fcsLength;
  protected long index = -1;

  protected CaptureCursor(String file, ByteBuffer buf) {
    this.file = file;
    this.buf = buf;
  }

  /** Moves to the next packet record; false at the end of the file. */
  public abstract boolean next();

  /** Goes back before the first packet. */
  public abstract void rewind();

  /** The format's name, "pcap" or "pcapng". */
  public abstract String format();

  /** The mapped file; the current packet's bytes are at {@link #dataOffset()}. */
  public ByteBuffer buffer() {
    return buf;
  }

  public String file() {
    return file;
  }

  /** Byte offset in the file of the current record's header (for error messages). */
  public int recordOffset() {
    return recordOffset;
  }

  /** Byte offset in the file of the current packet's first byte. */
  public int dataOffset() {
    return dataOffset;
  }

  /** Bytes captured for the current packet (pcap incl_len / pcapng captured length). */
  public int capturedLength() {
    return capturedLength;
  }

  /** Length of the packet on the wire (may exceed the captured length when snapped). */
  public int originalLength() {
    return originalLength;
  }

  /** Capture timestamp in nanoseconds since the epoch. */
  public long timestampNs() {
    return timestampNs;
  }

  /** The interface the packet was captured on: 0 for pcap, the IDB's index for pcapng. */
  public int interfaceId() {
    return interfaceId;
  }

  /** The link type of the current packet's interface (a {@link LinkType} value). */
  public int linkType() {
    return linkType;
  }

  /** Bytes of frame check sequence at the end of the captured data (pcap FCS bits), usually 0. */
  public int fcsLength() {
    return fcsLength;
  }

  /** 0-based index of the current packet in the file. */
  public long index() {
    return index;
  }

  /** Copies the current packet's captured bytes into {@code dst[off..]}. */
  public void copyTo(byte[] dst, int off) {
    buf.get(dataOffset, dst, off, capturedLength);
  }

  protected MalformedInputException malformed(int offset, String what) {
    return new MalformedInputException(
        "malformed " + format() + " file " + file + ": at byte offset " + offset + ": " + what);
  }

  protected void requireReplayable(int offset, int type) {
    if (!LinkType.replayable(type)) {
      throw new UnsupportedCaptureException(
          "unsupported capture "
              + file
              + ": at byte offset "
              + offset
              + ": link type "
              + LinkType.name(type)
              + " cannot be replayed (xdpemu replays "
              + LinkType.SUPPORTED
              + ")");
    }
  }

  protected static ByteOrder swap(ByteOrder o) {
    return o == ByteOrder.LITTLE_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
  }
}
