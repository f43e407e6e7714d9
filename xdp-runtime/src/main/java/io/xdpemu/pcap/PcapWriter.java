package io.xdpemu.pcap;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Writes a classic pcap file in little-endian byte order (the layout drawn in {@link PcapCursor}),
 * with nanosecond ({@code a1b23c4d}, the default: the replay's clock is in ns) or microsecond
 * ({@code a1b2c3d4}) timestamps. Reuses one record-header array, so writing allocates nothing per
 * packet. I/O errors surface as {@link UncheckedIOException}.
 */
public final class PcapWriter implements Closeable {
  private final OutputStream out;
  private final boolean nano;
  private final int snaplen;
  private final byte[] header = new byte[PcapCursor.RECORD_HEADER];
  private long packets;

  public PcapWriter(OutputStream out, boolean nanosecond, int linkType, int snaplen) {
    this.out = out instanceof BufferedOutputStream ? out : new BufferedOutputStream(out, 1 << 16);
    this.nano = nanosecond;
    this.snaplen = snaplen;
    byte[] g = new byte[PcapCursor.GLOBAL_HEADER];
    putLe32(g, 0, nanosecond ? PcapCursor.MAGIC_NANO : PcapCursor.MAGIC_MICRO);
    g[4] = 2; // version 2.4
    g[6] = 4;
    putLe32(g, 16, snaplen);
    putLe32(g, 20, linkType);
    write(g, 0, g.length);
  }

  /** An Ethernet capture with nanosecond timestamps and libpcap's maximum snaplen. */
  public PcapWriter(OutputStream out) {
    this(out, true, LinkType.EN10MB, CaptureCursor.MAX_RECORD);
  }

  /** Appends one packet; bytes beyond the snaplen are cut (orig_len keeps the full length). */
  public void write(long timestampNs, byte[] data, int off, int len) {
    int incl = Math.min(len, snaplen);
    long sec = Math.floorDiv(timestampNs, 1_000_000_000L);
    long frac = Math.floorMod(timestampNs, 1_000_000_000L);
    putLe32(header, 0, (int) sec);
    putLe32(header, 4, (int) (nano ? frac : frac / 1000));
    putLe32(header, 8, incl);
    putLe32(header, 12, len);
    write(header, 0, header.length);
    write(data, off, incl);
    packets++;
  }

  public long packets() {
    return packets;
  }

  private void write(byte[] b, int off, int len) {
    try {
      out.write(b, off, len);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  static void putLe32(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >> 8);
    b[at + 2] = (byte) (v >> 16);
    b[at + 3] = (byte) (v >> 24);
  }
}
