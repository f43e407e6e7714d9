package io.xdpemu.runtime.gen;

import java.util.Arrays;

/**
 * Appends protocol headers to one reusable frame buffer, then {@link #finish()} fills in every
 * length and checksum from the innermost header outwards (so a tunnel's outer UDP checksum covers
 * the finished inner packet). Each header extends to the end of the frame: there are no trailers.
 *
 * <pre>
 *  Ethernet  | dst 6 | src 6 | type 2 |
 *  802.1Q    | TCI 2 | type 2 |                       (after the outer type 0x8100 / 0x88a8)
 *  IPv4      | 45 | tos | total len | id | frag | ttl | proto | csum | src 4 | dst 4 |
 *  IPv6      | 6/tc/flow 4 | payload len 2 | next 1 | hop 1 | src 16 | dst 16 |
 *  UDP       | sport | dport | len | csum |          TCP | sport | dport | seq | ack | off/flags | win | csum | urg |
 * </pre>
 */
public final class FrameBuilder {
  private static final int IPV4 = 1;
  private static final int IPV6 = 2;
  private static final int UDP = 3;
  private static final int TCP = 4;
  private static final int ICMP4 = 5;
  private static final int ICMP6 = 6;

  private final byte[] buf = new byte[2048];
  private int len;

  /** Pending fixups: kind, offset, enclosing IP header offset (-1: none), IP version of it. */
  private final int[] fixKind = new int[16];

  private final int[] fixAt = new int[16];
  private final int[] fixIp = new int[16];
  private int fixups;
  private int lastIp = -1;

  public FrameBuilder reset() {
    len = 0;
    fixups = 0;
    lastIp = -1;
    return this;
  }

  public byte[] buffer() {
    return buf;
  }

  public int length() {
    return len;
  }

  public byte[] toArray() {
    return Arrays.copyOf(buf, len);
  }

  public FrameBuilder ethernet(byte[] dst, byte[] src, int type) {
    bytes(dst);
    bytes(src);
    return u16(type);
  }

  /** An 802.1Q/802.1ad tag body: TCI then the next ethertype. */
  public FrameBuilder vlan(int pcp, int vid, int nextType) {
    u16((pcp << 13) | (vid & 0xfff));
    return u16(nextType);
  }

  /** An MPLS label stack entry. */
  public FrameBuilder mpls(int label, boolean bottom, int ttl) {
    return u32((label << 12) | (bottom ? 0x100 : 0) | (ttl & 0xff));
  }

  public FrameBuilder ipv4(byte[] src, byte[] dst, int proto, int id, int ttl) {
    fix(IPV4, len);
    lastIp = len;
    u8(0x45).u8(0).u16(0).u16(id).u16(0x4000).u8(ttl).u8(proto).u16(0);
    bytes(src);
    return bytes(dst);
  }

  public FrameBuilder ipv6(byte[] src, byte[] dst, int next, int flowLabel, int hopLimit) {
    fix(IPV6, len);
    lastIp = len;
    u32(0x60000000 | (flowLabel & 0xfffff)).u16(0).u8(next).u8(hopLimit);
    bytes(src);
    return bytes(dst);
  }

  public FrameBuilder udp(int sport, int dport) {
    fix(UDP, len);
    return u16(sport).u16(dport).u16(0).u16(0);
  }

  public FrameBuilder tcp(int sport, int dport, long seq, long ack, int flags, int window) {
    fix(TCP, len);
    u16(sport).u16(dport).u32((int) seq).u32((int) ack);
    return u8(5 << 4).u8(flags).u16(window).u16(0).u16(0);
  }

  public FrameBuilder icmpEcho(boolean v6, int id, int seq) {
    fix(v6 ? ICMP6 : ICMP4, len);
    return u8(v6 ? 128 : 8).u8(0).u16(0).u16(id).u16(seq);
  }

  public FrameBuilder arp(int op, byte[] sha, byte[] spa, byte[] tha, byte[] tpa) {
    u16(1).u16(0x0800).u8(6).u8(4).u16(op);
    return bytes(sha).bytes(spa).bytes(tha).bytes(tpa);
  }

  /** VXLAN header (RFC 7348): flags with the I bit, 24-bit VNI. */
  public FrameBuilder vxlan(int vni) {
    return u32(0x08000000).u32(vni << 8);
  }

  /** Geneve header (RFC 8926) without options. */
  public FrameBuilder geneve(int vni, int protocol) {
    return u16(0).u16(protocol).u32(vni << 8);
  }

  /** A GRE header (RFC 2784) without optional fields. */
  public FrameBuilder gre(int protocol) {
    return u16(0).u16(protocol);
  }

  /** Deterministic payload bytes. */
  public FrameBuilder payload(int n, long seed) {
    long x = seed | 1;
    for (int i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      buf[len++] = (byte) x;
    }
    return this;
  }

  /** Pads to the 60-byte Ethernet minimum (without FCS), as a sender's NIC does. */
  public FrameBuilder padToMinimum() {
    finish();
    while (len < 60) {
      buf[len++] = 0;
    }
    return this;
  }

  /** Fills lengths and checksums, innermost first. */
  public FrameBuilder finish() {
    for (int i = fixups - 1; i >= 0; i--) {
      int at = fixAt[i];
      int ip = fixIp[i];
      switch (fixKind[i]) {
        case IPV4 -> {
          put16(at + 2, len - at);
          put16(at + 10, 0);
          put16(at + 10, ~sum(at, 20, 0) & 0xffff);
        }
        case IPV6 -> put16(at + 4, len - at - 40);
        case UDP -> {
          put16(at + 4, len - at);
          put16(at + 6, 0);
          int c = ~sum(at, len - at, pseudo(ip, 17, len - at)) & 0xffff;
          put16(at + 6, c == 0 ? 0xffff : c);
        }
        case TCP -> {
          put16(at + 16, 0);
          put16(at + 16, ~sum(at, len - at, pseudo(ip, 6, len - at)) & 0xffff);
        }
        case ICMP4 -> {
          put16(at + 2, 0);
          put16(at + 2, ~sum(at, len - at, 0) & 0xffff);
        }
        case ICMP6 -> {
          put16(at + 2, 0);
          put16(at + 2, ~sum(at, len - at, pseudo(ip, 58, len - at)) & 0xffff);
        }
        default -> throw new AssertionError();
      }
    }
    fixups = 0;
    return this;
  }

  private int pseudo(int ip, int proto, int l4len) {
    if (ip < 0) {
      return 0;
    }
    boolean v6 = (buf[ip] & 0xf0) == 0x60;
    int s = v6 ? sum(ip + 8, 32, 0) : sum(ip + 12, 8, 0);
    return s + proto + l4len;
  }

  /** RFC 1071 one's-complement sum, folded to 16 bits. */
  private int sum(int at, int n, int initial) {
    long s = initial;
    for (int i = 0; i + 1 < n; i += 2) {
      s += ((buf[at + i] & 0xff) << 8) | (buf[at + i + 1] & 0xff);
    }
    if ((n & 1) != 0) {
      s += (buf[at + n - 1] & 0xff) << 8;
    }
    while ((s >> 16) != 0) {
      s = (s & 0xffff) + (s >> 16);
    }
    return (int) s;
  }

  private void fix(int kind, int at) {
    fixKind[fixups] = kind;
    fixAt[fixups] = at;
    fixIp[fixups] = kind == IPV4 || kind == IPV6 ? -1 : lastIp;
    fixups++;
  }

  public FrameBuilder u8(int v) {
    buf[len++] = (byte) v;
    return this;
  }

  public FrameBuilder u16(int v) {
    buf[len++] = (byte) (v >> 8);
    buf[len++] = (byte) v;
    return this;
  }

  public FrameBuilder u32(int v) {
    return u16(v >>> 16).u16(v);
  }

  public FrameBuilder bytes(byte[] b) {
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
    return this;
  }

  private void put16(int at, int v) {
    buf[at] = (byte) (v >> 8);
    buf[at + 1] = (byte) v;
  }
}
