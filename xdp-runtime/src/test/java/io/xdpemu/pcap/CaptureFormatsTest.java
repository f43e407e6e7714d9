package io.xdpemu.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.MalformedInputException;
import io.xdpemu.ebpf.UsageException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CaptureFormatsTest {
  static byte[] frame(int len, int seed) {
    byte[] f = new byte[len];
    for (int i = 0; i < len; i++) {
      f[i] = (byte) (seed * 31 + i);
    }
    f[12] = 0x08;
    f[13] = 0x00;
    return f;
  }

  static byte[] write(boolean nano, long[] ts, byte[][] frames) throws Exception {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (PcapWriter w = new PcapWriter(bos, nano, LinkType.EN10MB, 65535)) {
      for (int i = 0; i < frames.length; i++) {
        w.write(ts[i], frames[i], 0, frames[i].length);
      }
    }
    return bos.toByteArray();
  }

  @Test
  void nanosecondPcapRoundTripsBytesAndTimestamps() throws Exception {
    long[] ts = {1_700_000_000_123_456_789L, 1_700_000_001_000_000_001L, 5L};
    byte[][] frames = {frame(60, 1), frame(1514, 2), frame(14, 3)};
    Capture c = Capture.of("rt.pcap", write(true, ts, frames));
    assertEquals(3, c.packetCount());
    CaptureCursor cur = c.cursor();
    for (int i = 0; i < 3; i++) {
      assertTrue(cur.next());
      assertEquals(ts[i], cur.timestampNs());
      byte[] got = new byte[cur.capturedLength()];
      cur.copyTo(got, 0);
      assertArrayEquals(frames[i], got);
      assertEquals(frames[i].length, cur.originalLength());
    }
    assertFalse(cur.next());
    cur.rewind();
    assertTrue(cur.next());
    assertEquals(0, cur.index());
  }

  @Test
  void microsecondPcapTruncatesTimestampsToMicroseconds() throws Exception {
    byte[] b = write(false, new long[] {1_700_000_000_123_456_789L}, new byte[][] {frame(60, 1)});
    assertEquals((byte) 0xd4, b[0]);
    CaptureCursor cur = Capture.of("us.pcap", b).cursor();
    assertTrue(cur.next());
    assertEquals(1_700_000_000_123_456_000L, cur.timestampNs());
  }

  @Test
  void writerCutsAtSnaplenAndKeepsOriginalLength() throws Exception {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (PcapWriter w = new PcapWriter(bos, true, LinkType.EN10MB, 100)) {
      w.write(0, frame(300, 1), 0, 300);
    }
    CaptureCursor cur = Capture.of("snap.pcap", bos.toByteArray()).cursor();
    assertTrue(cur.next());
    assertEquals(100, cur.capturedLength());
    assertEquals(300, cur.originalLength());
  }

  @Test
  void bigEndianPcapIsRead() {
    byte[] f = frame(60, 4);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(24 + 16 + 60);
    b.putInt(PcapCursor.MAGIC_NANO).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0);
    b.putInt(65535).putInt(1);
    b.putInt(10).putInt(20).putInt(60).putInt(60).put(f);
    CaptureCursor cur = Capture.of("be.pcap", b.array()).cursor();
    assertTrue(cur.next());
    assertEquals(10_000_000_020L, cur.timestampNs());
    byte[] got = new byte[60];
    cur.copyTo(got, 0);
    assertArrayEquals(f, got);
  }

  @Test
  void pcapngWithSeveralInterfacesResolutionsAndSections() {
    byte[] a = frame(60, 1);
    byte[] b = frame(70, 2);
    byte[] c = frame(80, 3);
    byte[] d = frame(90, 4);
    byte[] raw = {0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
    byte[] file =
        new PcapNgBuilder()
            .section(ByteOrder.LITTLE_ENDIAN)
            .iface(LinkType.EN10MB, 0, -1, 0) // microseconds
            .iface(LinkType.EN10MB, 0, 9, 0) // nanoseconds
            .other(5, 20) // interface statistics: skipped
            .epb(0, 1_500_000L, a, 60)
            .epb(1, 2_000_000_007L, b, 100)
            .iface(LinkType.RAW, 0, 0x80 | 10, 3) // 2^-10 s units, +3 s offset
            .epb(2, 1024 + 512, raw, raw.length)
            .section(ByteOrder.BIG_ENDIAN) // interfaces restart
            .iface(LinkType.EN10MB, 64, 6, 0)
            .spb(c)
            .epb(0, 3_000_000L, d, 90)
            .bytes();
    Capture cap = Capture.of("multi.pcapng", file);
    assertEquals("pcapng", cap.format());
    assertEquals(5, cap.packetCount());
    CaptureCursor cur = cap.cursor();
    assertTrue(cur.next());
    assertEquals(1_500_000_000L, cur.timestampNs());
    assertEquals(0, cur.interfaceId());
    assertTrue(cur.next());
    assertEquals(2_000_000_007L, cur.timestampNs());
    assertEquals(1, cur.interfaceId());
    assertEquals(100, cur.originalLength());
    assertTrue(cur.next());
    assertEquals(4_500_000_000L, cur.timestampNs());
    assertEquals(LinkType.RAW, cur.linkType());
    byte[] f = new byte[128];
    assertEquals(34, EthernetFramer.frame(cur, f, 0));
    assertEquals(0x45, f[14]);
    assertTrue(cur.next()); // SPB: snapped to the interface's 64 bytes, previous timestamp
    assertEquals(3, cur.interfaceId());
    assertEquals(64, cur.capturedLength());
    assertEquals(80, cur.originalLength());
    assertEquals(4_500_000_000L, cur.timestampNs());
    byte[] got = new byte[64];
    cur.copyTo(got, 0);
    assertArrayEquals(Arrays.copyOf(c, 64), got);
    assertTrue(cur.next());
    assertEquals(3_000_000_000L, cur.timestampNs());
    got = new byte[90];
    cur.copyTo(got, 0);
    assertArrayEquals(d, got);
    assertFalse(cur.next());
  }

  @Test
  void packetOnAnUndescribedInterfaceIsRefusedWithItsOffset() {
    byte[] file =
        new PcapNgBuilder()
            .section(ByteOrder.LITTLE_ENDIAN)
            .iface(LinkType.EN10MB, 0, -1, 0)
            .epb(1, 0, frame(60, 1), 60)
            .bytes();
    MalformedInputException e =
        assertThrows(MalformedInputException.class, () -> Capture.of("bad.pcapng", file));
    assertTrue(
        e.getMessage().startsWith("malformed pcapng file bad.pcapng: at byte offset 68"),
        e.getMessage());
  }

  @Test
  void unsupportedLinkTypeIsRefusedByName() {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(PcapCursor.MAGIC_MICRO).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0);
    b.putInt(65535).putInt(LinkType.IEEE802_11_RADIOTAP);
    UnsupportedCaptureException e =
        assertThrows(UnsupportedCaptureException.class, () -> Capture.of("wifi.pcap", b.array()));
    assertTrue(
        e.getMessage().contains("link type IEEE802_11_RADIOTAP cannot be replayed"),
        e.getMessage());
  }

  @Test
  void garbageIsRefusedWithTheMagic() {
    MalformedInputException e =
        assertThrows(
            MalformedInputException.class,
            () -> Capture.of("junk.pcap", "this is not a capture file".getBytes()));
    assertTrue(
        e.getMessage().startsWith("malformed pcap file junk.pcap: at byte offset 0: bad magic"),
        e.getMessage());
  }

  @Test
  void missingFileIsAUsageError() {
    UsageException e =
        assertThrows(UsageException.class, () -> Capture.open(Path.of("/nonexistent/x.pcap")));
    assertEquals("cannot read capture /nonexistent/x.pcap: no such file", e.getMessage());
  }

  @Test
  void shortEthernetFrameIsRefused() throws Exception {
    byte[] b = write(true, new long[] {0}, new byte[][] {new byte[10]});
    MalformedInputException e =
        assertThrows(MalformedInputException.class, () -> Capture.of("runt.pcap", b));
    assertTrue(
        e.getMessage().contains("at byte offset 24: packet 0: 10-byte frame"), e.getMessage());
  }
}
