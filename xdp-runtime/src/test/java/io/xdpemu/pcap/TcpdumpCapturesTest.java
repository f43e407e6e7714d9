package io.xdpemu.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.xdpemu.ebpf.MalformedInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every capture of the shared tcpdump suite, whole, truncated at every byte and bit-flipped. */
class TcpdumpCapturesTest {
  /** Packet counts (capinfos -c); a capture not listed here fails the test. */
  static final Map<String, Integer> PACKETS =
      Map.ofEntries(
          Map.entry("ipv4_tcp_http_xml.pcap", 1),
          Map.entry("802.1ad_QinQ.pcap", 2),
          Map.entry("mptcp-fclose.pcap", 11),
          Map.entry("dns_udp.pcap", 2),
          Map.entry("dhcp-rfc4388.pcap", 54),
          Map.entry("icmpv6.pcap", 5),
          Map.entry("vxlan.pcap", 10), // the README says 20; capinfos and tshark count 10
          Map.entry("geneve-gcp.pcap", 1),
          Map.entry("mpls-over-udp.pcap", 2),
          Map.entry("erspan-type-ii-1.pcap", 1),
          Map.entry("pptp.pcap", 23),
          Map.entry("tcp-handshake-nano.pcap", 3),
          Map.entry("LINKTYPE_RAW_ipv6.pcap", 1),
          Map.entry("icmp-length-zero.pcapng", 1));

  static List<Path> captures() throws IOException {
    try (Stream<Path> s = Files.list(SharedSuites.tcpdumpCaptures())) {
      return s.filter(p -> p.toString().matches(".*\\.pcap(ng)?$")).sorted().toList();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyCaptureReplaysWithTheKnownPacketCount() throws IOException {
    return captures().stream()
        .map(
            p ->
                DynamicTest.dynamicTest(
                    p.getFileName().toString(),
                    () -> {
                      Integer want = PACKETS.get(p.getFileName().toString());
                      assertTrue(want != null, "capture not in the expected table: " + p);
                      Capture c = Capture.open(p);
                      assertEquals(want.longValue(), c.packetCount());
                      CaptureCursor cur = c.cursor();
                      byte[] frame = new byte[CaptureCursor.MAX_RECORD + 64];
                      int n = 0;
                      while (cur.next()) {
                        int len = EthernetFramer.frame(cur, frame, 0);
                        assertEquals(EthernetFramer.frameLength(cur), len);
                        assertTrue(len >= 14);
                        assertFalse(PacketSummary.of(frame, 0, len).isEmpty());
                        n++;
                      }
                      assertEquals(want, n);
                    }));
  }

  @Test
  void nanosecondCookedCaptureKeepsTimestampsAndGetsAnEthernetHeader() {
    CaptureCursor c =
        Capture.open(SharedSuites.tcpdumpCaptures().resolve("tcp-handshake-nano.pcap")).cursor();
    assertTrue(c.next());
    assertEquals(1418145369_924505488L, c.timestampNs());
    assertEquals(LinkType.LINUX_SLL, c.linkType());
    byte[] f = new byte[2048];
    int len = EthernetFramer.frame(c, f, 0);
    assertEquals(76 - 16 + 14, len);
    assertEquals(0x08, f[12]);
    assertEquals(0x00, f[13]);
    assertEquals(0x45, f[14]);
    assertTrue(c.next());
    assertEquals(1418145370_052027262L, c.timestampNs());
  }

  @Test
  void bigEndianMicrosecondCaptureReadsTimestamps() {
    CaptureCursor c = Capture.open(SharedSuites.tcpdumpCaptures().resolve("pptp.pcap")).cursor();
    assertTrue(c.next());
    assertEquals(954147395_148077000L, c.timestampNs());
    assertEquals(62, c.capturedLength());
  }

  @Test
  void rawIpv6RecordBecomesAnIpv6EthernetFrame() {
    CaptureCursor c =
        Capture.open(SharedSuites.tcpdumpCaptures().resolve("LINKTYPE_RAW_ipv6.pcap")).cursor();
    assertTrue(c.next());
    byte[] f = new byte[2048];
    int len = EthernetFramer.frame(c, f, 0);
    assertEquals(77 + 14, len);
    assertEquals((byte) 0x86, f[12]);
    assertEquals((byte) 0xdd, f[13]);
    assertEquals(0x60, f[14] & 0xf0);
    assertTrue(Arrays.equals(EthernetFramer.NIC_MAC, Arrays.copyOf(f, 6)));
  }

  @Test
  void pcapngCaptureReadsTimestamp() {
    CaptureCursor c =
        Capture.open(SharedSuites.tcpdumpCaptures().resolve("icmp-length-zero.pcapng")).cursor();
    assertTrue(c.next());
    assertEquals(1759756153_000001000L, c.timestampNs());
    assertEquals(98, c.capturedLength());
    assertFalse(c.next());
  }

  /**
   * Every prefix of every capture either opens (cut at a record boundary) or is refused with a
   * message naming the file and a byte offset inside the prefix; nothing else escapes.
   */
  @Test
  void everyTruncationIsReplayedOrRefusedWithFileAndOffset() throws IOException {
    int refused = 0;
    for (Path p : captures()) {
      byte[] all = Files.readAllBytes(p);
      for (int cut = 0; cut < all.length; cut++) {
        String name = p.getFileName() + "[0.." + cut + ")";
        try {
          Capture c = Capture.of(name, Arrays.copyOf(all, cut));
          assertTrue(c.packetCount() <= PACKETS.get(p.getFileName().toString()));
        } catch (MalformedInputException e) {
          refused++;
          assertRefusal(e, name, cut);
        }
      }
    }
    assertTrue(refused > 10000, "refused only " + refused);
  }

  @Test
  void bitFlippedCapturesNeverEscapeAsJvmExceptions() throws IOException {
    Random rnd = new Random(7);
    List<String> failures = new ArrayList<>();
    for (Path p : captures()) {
      byte[] all = Files.readAllBytes(p);
      for (int i = 0; i < 300; i++) {
        byte[] b = all.clone();
        for (int k = 0; k < 1 + rnd.nextInt(4); k++) {
          int at = rnd.nextInt(Math.min(b.length, 64 + rnd.nextInt(b.length)));
          b[at] ^= (byte) (1 << rnd.nextInt(8));
        }
        try {
          Capture c = Capture.of("fuzz", b);
          CaptureCursor cur = c.cursor();
          byte[] f = new byte[CaptureCursor.MAX_RECORD + 64];
          while (cur.next()) {
            EthernetFramer.frame(cur, f, 0);
          }
        } catch (MalformedInputException e) {
          assertRefusal(e, "fuzz", b.length);
        } catch (RuntimeException e) {
          failures.add(p.getFileName() + " #" + i + ": " + e);
        }
      }
    }
    if (!failures.isEmpty()) {
      fail(failures.size() + " escapes, first: " + failures.get(0));
    }
  }

  static void assertRefusal(MalformedInputException e, String name, int size) {
    String m = e.getMessage();
    assertTrue(m.startsWith("malformed ") || m.startsWith("unsupported capture "), "prefix: " + m);
    assertTrue(m.contains(name), "names the file: " + m);
    java.util.regex.Matcher o = java.util.regex.Pattern.compile("byte offset (\\d+)").matcher(m);
    assertTrue(o.find(), "names an offset: " + m);
    assertTrue(Long.parseLong(o.group(1)) <= size, "offset inside the file: " + m);
  }
}
