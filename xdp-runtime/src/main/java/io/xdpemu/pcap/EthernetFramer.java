package io.xdpemu.pcap;

import io.xdpemu.ebpf.MalformedInputException;
import java.nio.ByteBuffer;

/**
 * Turns a capture record into the Ethernet frame the NIC receives. XDP programs see Ethernet, so
 * captures taken on other link types get a synthesized 14-byte Ethernet header:
 *
 * <pre>
 *  +-------------------+-------------------+-----------+
 *  | destination MAC 6 | source MAC 6      | ethertype |  + the record's network-layer bytes
 *  +-------------------+-------------------+-----------+
 * </pre>
 *
 * <ul>
 *   <li>EN10MB: the frame as captured (a trailing FCS announced in the pcap header is cut).
 *   <li>RAW (101): ethertype from the IP version nibble (4: 0x0800, 6: 0x86DD); IPV4 (228) and IPV6
 *       (229) likewise. MACs: destination {@link #NIC_MAC}, source {@link #PEER_MAC}.
 *   <li>LINUX_SLL (113, 16-byte cooked header) and LINUX_SLL2 (276, 20 bytes): ethertype from the
 *       header's protocol field; the source MAC is the header's link-layer address when it is a
 *       6-byte Ethernet address ({@link #PEER_MAC} otherwise); the destination is {@link #NIC_MAC},
 *       or ff:ff:ff:ff:ff:ff / 01:00:5e:00:00:01 for broadcast / multicast packet types. Records
 *       whose protocol is not an ethertype (802.3 / 802.2 frames, protocol below 0x0600) are
 *       refused.
 * </ul>
 *
 * Records too short for their link-layer header (and Ethernet frames under 14 bytes) are refused
 * when the capture is opened, with the record's offset.
 */
public final class EthernetFramer {
  private EthernetFramer() {}

  /** Locally administered MAC the synthesized frames are addressed to (the emulated NIC). */
  public static final byte[] NIC_MAC = {0x02, 0, 0, 0, 0, 0x01};

  /** Locally administered MAC synthesized frames come from. */
  public static final byte[] PEER_MAC = {0x02, 0, 0, 0, 0, 0x02};

  private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
  private static final byte[] MULTICAST = {0x01, 0, 0x5e, 0, 0, 0x01};

  public static final int ETH_HLEN = 14;
  static final int SLL_HLEN = 16;
  static final int SLL2_HLEN = 20;

  /** An Ethernet record shorter than its header (a runt, which no XDP test run accepts). */
  public static boolean isRunt(CaptureCursor c) {
    return c.linkType() == LinkType.EN10MB && c.capturedLength() - c.fcsLength() < ETH_HLEN;
  }

  /** Throws when the current record cannot be turned into an Ethernet frame. */
  static void check(CaptureCursor c) {
    int len = c.capturedLength() - c.fcsLength();
    ByteBuffer b = c.buffer();
    int d = c.dataOffset();
    switch (c.linkType()) {
      case LinkType.EN10MB -> {
        if (len < ETH_HLEN) {
          throw refuse(c, len + "-byte frame is shorter than an Ethernet header");
        }
      }
      case LinkType.RAW -> {
        if (len < 1) {
          throw refuse(c, "empty RAW record");
        }
        int v = (b.get(d) >> 4) & 0xf;
        if (v != 4 && v != 6) {
          throw refuse(c, "RAW record with IP version " + v + " (want 4 or 6)");
        }
      }
      case LinkType.IPV4, LinkType.IPV6 -> {
        if (len < 1) {
          throw refuse(c, "empty " + LinkType.name(c.linkType()) + " record");
        }
      }
      case LinkType.LINUX_SLL, LinkType.LINUX_SLL2 -> {
        boolean v2 = c.linkType() == LinkType.LINUX_SLL2;
        int hlen = v2 ? SLL2_HLEN : SLL_HLEN;
        if (len < hlen) {
          throw refuse(c, len + "-byte record is shorter than the " + hlen + "-byte cooked header");
        }
        int proto = be16(b, d + (v2 ? 0 : 14));
        if (proto < 0x0600) {
          throw new UnsupportedCaptureException(
              "unsupported capture "
                  + c.file()
                  + ": at byte offset "
                  + c.recordOffset()
                  + String.format(
                      ": cooked protocol 0x%04x is not an ethertype (802.2/802.3 frame)", proto));
        }
      }
      default -> c.requireReplayable(c.recordOffset(), c.linkType());
    }
  }

  private static MalformedInputException refuse(CaptureCursor c, String what) {
    return c.malformed(c.recordOffset(), "packet " + c.index() + ": " + what);
  }

  /** Length of the Ethernet frame {@link #frame} will produce for the current record. */
  public static int frameLength(CaptureCursor c) {
    return frameLength(c.linkType(), c.capturedLength() - c.fcsLength());
  }

  /**
   * {@link #frameLength(CaptureCursor)} of a record already located: its link type and its length
   * without the FCS ({@link #recordLength}).
   */
  public static int frameLength(int linkType, int len) {
    return switch (linkType) {
      case LinkType.LINUX_SLL -> len - SLL_HLEN + ETH_HLEN;
      case LinkType.LINUX_SLL2 -> len - SLL2_HLEN + ETH_HLEN;
      case LinkType.RAW, LinkType.IPV4, LinkType.IPV6 -> len + ETH_HLEN;
      default -> len;
    };
  }

  /**
   * Writes the current record as an Ethernet frame into {@code dst[off..]} (which must hold {@link
   * #frameLength} bytes) and returns its length. Allocates nothing.
   */
  public static int frame(CaptureCursor c, byte[] dst, int off) {
    return frame(c.buffer(), c.dataOffset(), recordLength(c), c.linkType(), dst, off);
  }

  /** The current record's captured bytes less its FCS: what {@link #frame} reads. */
  public static int recordLength(CaptureCursor c) {
    return c.capturedLength() - c.fcsLength();
  }

  /**
   * {@link #frame(CaptureCursor, byte[], int)} of a record located earlier: {@code len} bytes
   * ({@link #recordLength}) at {@code d} in {@code b} (a cursor's {@link CaptureCursor#buffer()},
   * read with absolute gets only, so any thread may frame records of one buffer at once).
   */
  public static int frame(ByteBuffer b, int d, int len, int linkType, byte[] dst, int off) {
    switch (linkType) {
      case LinkType.EN10MB -> {
        b.get(d, dst, off, len);
        return len;
      }
      case LinkType.RAW, LinkType.IPV4, LinkType.IPV6 -> {
        int v = (b.get(d) >> 4) & 0xf;
        int type =
            linkType == LinkType.IPV6 || (linkType == LinkType.RAW && v == 6) ? 0x86dd : 0x0800;
        header(dst, off, NIC_MAC, PEER_MAC, type);
        b.get(d, dst, off + ETH_HLEN, len);
        return len + ETH_HLEN;
      }
      case LinkType.LINUX_SLL, LinkType.LINUX_SLL2 -> {
        boolean v2 = linkType == LinkType.LINUX_SLL2;
        int pkttype = v2 ? b.get(d + 10) & 0xff : be16(b, d);
        int hatype = be16(b, d + (v2 ? 8 : 2));
        int halen = v2 ? b.get(d + 11) & 0xff : be16(b, d + 4);
        int addr = d + (v2 ? 12 : 6);
        int proto = be16(b, d + (v2 ? 0 : 14));
        byte[] dstMac = pkttype == 1 ? BROADCAST : pkttype == 2 ? MULTICAST : NIC_MAC;
        header(dst, off, dstMac, PEER_MAC, proto);
        if (hatype == 1 && halen == 6) {
          b.get(addr, dst, off + 6, 6);
        }
        int hlen = v2 ? SLL2_HLEN : SLL_HLEN;
        b.get(d + hlen, dst, off + ETH_HLEN, len - hlen);
        return len - hlen + ETH_HLEN;
      }
      default -> throw new IllegalStateException("link type " + linkType + " not checked");
    }
  }

  private static void header(byte[] dst, int off, byte[] to, byte[] from, int type) {
    System.arraycopy(to, 0, dst, off, 6);
    System.arraycopy(from, 0, dst, off + 6, 6);
    dst[off + 12] = (byte) (type >> 8);
    dst[off + 13] = (byte) type;
  }

  /** Cooked headers are in network byte order whatever the capture file's order. */
  private static int be16(ByteBuffer b, int at) {
    return ((b.get(at) & 0xff) << 8) | (b.get(at + 1) & 0xff);
  }
}
