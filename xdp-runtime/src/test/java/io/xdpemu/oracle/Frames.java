package io.xdpemu.oracle;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Builds test frames by hand, with correct checksums, so that expectations are computed
 * independently of both the kernel and the emulator.
 *
 * <pre>
 *  Ethernet: | dst mac (6) | src mac (6) | ethertype (2) | payload ...
 *  802.1Q:                               | tpid (2) | tci (2) | inner ethertype (2) | ...
 *  IPv4:     | ver/ihl | tos | total len | id | flags/frag | ttl | proto | csum | src | dst |
 *  UDP:      | sport | dport | len | csum |      TCP: 20-byte header, data offset 5
 *  ICMP:     | type | code | csum | id | seq | payload
 * </pre>
 */
final class Frames {
  private Frames() {}

  static final byte[] MAC_A = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0a};
  static final byte[] MAC_B = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0b};
  static final int ETH_P_IP = 0x0800;
  static final int ETH_P_ARP = 0x0806;
  static final int ETH_P_IPV6 = 0x86dd;
  static final int ETH_P_8021Q = 0x8100;
  static final int ETH_P_8021AD = 0x88a8;
  static final int IPPROTO_ICMP = 1;
  static final int IPPROTO_TCP = 6;
  static final int IPPROTO_UDP = 17;

  static int ip(int a, int b, int c, int d) {
    return a << 24 | b << 16 | c << 8 | d;
  }

  static byte[] ethernet(int etherType, byte[] payload) {
    return ByteBuffer.allocate(14 + payload.length)
        .put(MAC_B)
        .put(MAC_A)
        .putShort((short) etherType)
        .put(payload)
        .array();
  }

  /** Ethernet with VLAN tags (outermost first): each tag is {tpid, tci}. */
  static byte[] vlanEthernet(int[][] tags, int innerType, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(14 + 4 * tags.length + payload.length).put(MAC_B).put(MAC_A);
    for (int[] tag : tags) {
      b.putShort((short) tag[0]).putShort((short) tag[1]);
    }
    return b.putShort((short) innerType).put(payload).array();
  }

  static byte[] ipv4(int src, int dst, int proto, int ttl, byte[] payload) {
    return ipv4(src, dst, proto, ttl, 0, new byte[0], payload);
  }

  /** IPv4 with options (a multiple of 4 bytes) and the flags/fragment-offset word. */
  static byte[] ipv4(
      int src, int dst, int proto, int ttl, int fragWord, byte[] options, byte[] payload) {
    int hlen = 20 + options.length;
    ByteBuffer b = ByteBuffer.allocate(hlen + payload.length);
    b.put((byte) (0x40 | hlen / 4)).put((byte) 0).putShort((short) (hlen + payload.length));
    b.putShort((short) 0x1234).putShort((short) fragWord);
    b.put((byte) ttl).put((byte) proto).putShort((short) 0).putInt(src).putInt(dst).put(options);
    byte[] header = b.array();
    int csum = checksum(header, 0, hlen, 0);
    header[10] = (byte) (csum >> 8);
    header[11] = (byte) csum;
    System.arraycopy(payload, 0, header, hlen, payload.length);
    return header;
  }

  static byte[] udp(int src, int dst, int sport, int dport, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(8 + data.length);
    b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + data.length));
    b.putShort((short) 0).put(data);
    byte[] seg = b.array();
    int csum = checksum(seg, 0, seg.length, pseudoHeaderSum(src, dst, IPPROTO_UDP, seg.length));
    if (csum == 0) {
      csum = 0xffff;
    }
    seg[6] = (byte) (csum >> 8);
    seg[7] = (byte) csum;
    return seg;
  }

  static byte[] tcp(int src, int dst, int sport, int dport, int flags, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(20 + data.length);
    b.putShort((short) sport).putShort((short) dport).putInt(1000).putInt(0);
    b.put((byte) 0x50).put((byte) flags).putShort((short) 65535).putShort((short) 0);
    b.putShort((short) 0).put(data);
    byte[] seg = b.array();
    int csum = checksum(seg, 0, seg.length, pseudoHeaderSum(src, dst, IPPROTO_TCP, seg.length));
    seg[16] = (byte) (csum >> 8);
    seg[17] = (byte) csum;
    return seg;
  }

  static byte[] icmp(int type, int id, int seq, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(8 + data.length);
    b.put((byte) type).put((byte) 0).putShort((short) 0).putShort((short) id);
    b.putShort((short) seq).put(data);
    byte[] msg = b.array();
    int csum = checksum(msg, 0, msg.length, 0);
    msg[2] = (byte) (csum >> 8);
    msg[3] = (byte) csum;
    return msg;
  }

  static byte[] udpFrame(int src, int dst, int sport, int dport, byte[] data) {
    return ethernet(ETH_P_IP, ipv4(src, dst, IPPROTO_UDP, 64, udp(src, dst, sport, dport, data)));
  }

  static byte[] tcpFrame(int src, int dst, int sport, int dport) {
    return ethernet(
        ETH_P_IP, ipv4(src, dst, IPPROTO_TCP, 64, tcp(src, dst, sport, dport, 0x02, new byte[0])));
  }

  static byte[] icmpFrame(int src, int dst, int type) {
    return ethernet(
        ETH_P_IP, ipv4(src, dst, IPPROTO_ICMP, 64, icmp(type, 0x4242, 7, ascii("ping ping"))));
  }

  static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  static byte[] random(long seed, int length) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** A 32-bit mark as the NIC writes metadata: host (little-endian) order. */
  static byte[] mark(int... marks) {
    ByteBuffer b = ByteBuffer.allocate(4 * marks.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int m : marks) {
      b.putInt(m);
    }
    return b.array();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** The Internet checksum (RFC 1071) of bytes [off, off+len), seeded with a partial sum. */
  static int checksum(byte[] b, int off, int len, long seed) {
    long sum = seed;
    for (int i = 0; i < len; i += 2) {
      int hi = b[off + i] & 0xff;
      int lo = i + 1 < len ? b[off + i + 1] & 0xff : 0;
      sum += hi << 8 | lo;
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    return (int) (~sum & 0xffff);
  }

  static long pseudoHeaderSum(int src, int dst, int proto, int length) {
    return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + proto + length;
  }
}
