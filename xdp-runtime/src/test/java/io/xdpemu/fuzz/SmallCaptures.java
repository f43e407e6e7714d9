package io.xdpemu.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Small fuzz seeds cut from the repository's captures: a few packets, as pcap and as pcapng. */
final class SmallCaptures {
  private SmallCaptures() {}

  /** The global header and the first {@code n} records of a little-endian pcap. */
  static byte[] firstPackets(byte[] pcap, int n) {
    ByteBuffer b = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
    int pos = 24;
    for (int i = 0; i < n && pos + 16 <= pcap.length; i++) {
      pos += 16 + b.getInt(pos + 8);
    }
    return Arrays.copyOf(pcap, Math.min(pos, pcap.length));
  }

  /** The same packets as pcapng: a section header, one interface, one enhanced packet each. */
  static byte[] asPcapNg(byte[] pcap) {
    ByteBuffer in = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
    int linkType = in.getInt(20);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    block(out, 0x0A0D0D0A, le(0x1A2B3C4D, 0x00000001, -1, -1)); // version 1.0, length unknown
    block(out, 0x00000001, le(linkType & 0xffff, 0x40000));
    int pos = 24;
    while (pos + 16 <= pcap.length) {
      long usec = (in.getInt(pos) & 0xffffffffL) * 1_000_000L + (in.getInt(pos + 4) & 0xffffffffL);
      int caplen = in.getInt(pos + 8);
      int origlen = in.getInt(pos + 12);
      if (pos + 16 + caplen > pcap.length) {
        break;
      }
      byte[] head = le(0, (int) (usec >>> 32), (int) usec, caplen, origlen);
      byte[] body = new byte[head.length + ((caplen + 3) & ~3)];
      System.arraycopy(head, 0, body, 0, head.length);
      System.arraycopy(pcap, pos + 16, body, head.length, caplen);
      block(out, 0x00000006, body);
      pos += 16 + caplen;
    }
    return out.toByteArray();
  }

  private static byte[] le(int... words) {
    ByteBuffer b = ByteBuffer.allocate(4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int w : words) {
      b.putInt(w);
    }
    return b.array();
  }

  private static void block(ByteArrayOutputStream out, int type, byte[] body) {
    int total = 12 + body.length;
    out.writeBytes(le(type, total));
    out.writeBytes(body);
    out.writeBytes(le(total));
  }
}
