package io.xdpemu.pcap;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds pcapng files block by block for tests, in either byte order. */
final class PcapNgBuilder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

  PcapNgBuilder section(ByteOrder o) {
    order = o;
    ByteBuffer body = body(16);
    body.putInt(PcapNgCursor.BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0);
    body.putLong(-1);
    return block(PcapNgCursor.SHB, body);
  }

  /** tsresol: -1 for the default (microseconds), else the raw option byte. */
  PcapNgBuilder iface(int linkType, int snaplen, int tsresol, long tsOffsetSec) {
    ByteBuffer body = body(64);
    body.putShort((short) linkType).putShort((short) 0).putInt(snaplen);
    // An unrelated option first (if_name = 2), to prove options are walked.
    body.putShort((short) 2).putShort((short) 3).put(new byte[] {'e', 't', 'h', 0});
    if (tsresol >= 0) {
      body.putShort((short) 9).putShort((short) 1).put((byte) tsresol).put(new byte[3]);
    }
    if (tsOffsetSec != 0) {
      body.putShort((short) 14).putShort((short) 8).putLong(tsOffsetSec);
    }
    body.putShort((short) 0).putShort((short) 0);
    return block(PcapNgCursor.IDB, body);
  }

  PcapNgBuilder epb(int iface, long units, byte[] data, int origLen) {
    ByteBuffer body = body(32 + data.length);
    body.putInt(iface).putInt((int) (units >>> 32)).putInt((int) units);
    body.putInt(data.length).putInt(origLen).put(data);
    pad(body);
    // An epb_flags option (code 2) that readers must skip.
    body.putShort((short) 2).putShort((short) 4).putInt(1).putShort((short) 0).putShort((short) 0);
    return block(PcapNgCursor.EPB, body);
  }

  PcapNgBuilder spb(byte[] data) {
    ByteBuffer body = body(8 + data.length);
    body.putInt(data.length).put(data);
    pad(body);
    return block(PcapNgCursor.SPB, body);
  }

  /** A block of a type readers skip (e.g. 5, Interface Statistics). */
  PcapNgBuilder other(int type, int bodyLength) {
    ByteBuffer body = body(bodyLength);
    body.position(bodyLength);
    return block(type, body);
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  private ByteBuffer body(int cap) {
    return ByteBuffer.allocate(cap + 8).order(order);
  }

  private static void pad(ByteBuffer b) {
    while ((b.position() & 3) != 0) {
      b.put((byte) 0);
    }
  }

  private PcapNgBuilder block(int type, ByteBuffer body) {
    pad(body);
    int total = 12 + body.position();
    ByteBuffer b = ByteBuffer.allocate(total).order(order);
    b.putInt(type).putInt(total).put(body.array(), 0, body.position()).putInt(total);
    out.writeBytes(b.array());
    return this;
  }
}
