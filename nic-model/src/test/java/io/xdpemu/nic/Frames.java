package io.xdpemu.nic;

import java.io.ByteArrayOutputStream;

/** Builds test frames from readable pieces: hex strings and a few header builders. */
public final class Frames {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public static Frames eth(int type) {
    return new Frames().hex("020000000002 020000000001").u16(type);
  }

  public Frames hex(String h) {
    String s = h.replaceAll("\\s", "");
    for (int i = 0; i < s.length(); i += 2) {
      out.write(Integer.parseInt(s.substring(i, i + 2), 16));
    }
    return this;
  }

  public Frames u8(int v) {
    out.write(v);
    return this;
  }

  public Frames u16(int v) {
    out.write(v >>> 8);
    out.write(v);
    return this;
  }

  public Frames u32(long v) {
    u16((int) (v >>> 16));
    return u16((int) v);
  }

  public Frames vlan(int tci, int type) {
    return u16(tci).u16(type);
  }

  /** IPv4 header with a correct checksum; {@code payloadLen} bytes follow. */
  public Frames ipv4(int proto, long src, long dst, int payloadLen, int optionsWords) {
    int ihl = 5 + optionsWords;
    byte[] h = new byte[ihl * 4];
    h[0] = (byte) (0x40 | ihl);
    int total = ihl * 4 + payloadLen;
    h[2] = (byte) (total >>> 8);
    h[3] = (byte) total;
    h[8] = 64;
    h[9] = (byte) proto;
    for (int i = 0; i < 4; i++) {
      h[12 + i] = (byte) (src >>> (24 - 8 * i));
      h[16 + i] = (byte) (dst >>> (24 - 8 * i));
    }
    for (int i = 20; i < h.length; i++) {
      h[i] = 1; // NOP options
    }
    long sum = 0;
    for (int i = 0; i < h.length; i += 2) {
      sum += (h[i] & 0xff) << 8 | (h[i + 1] & 0xff);
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    int c = (int) ~sum & 0xffff;
    h[10] = (byte) (c >>> 8);
    h[11] = (byte) c;
    out.write(h, 0, h.length);
    return this;
  }

  public Frames udp(int sport, int dport, int payloadLen) {
    return u16(sport).u16(dport).u16(8 + payloadLen).u16(0);
  }

  public Frames tcp(int sport, int dport) {
    return u16(sport).u16(dport).u32(1).u32(0).u16(0x5010).u16(1024).u16(0).u16(0);
  }

  public Frames zeros(int n) {
    for (int i = 0; i < n; i++) {
      out.write(0);
    }
    return this;
  }

  public byte[] bytes() {
    return out.toByteArray();
  }
}
