package io.xdpemu.nic.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xdpemu.nic.Frames;
import io.xdpemu.nic.TestFiles;
import io.xdpemu.nic.firmware.Firmware;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Header stacks the shared captures do not cover, and malformed input. */
class PacketParserTest {
  private static final Firmware FW = TestFiles.firmware("mynic-v1.json");
  private static final PacketParser PARSER = new PacketParser(FW);

  private static String stack(byte[] p) {
    ParseResult r = PARSER.newResult();
    PARSER.parse(p, 0, p.length, r);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < r.count; i++) {
      sb.append(FW.headers().get(r.type[i]).name()).append('@').append(r.offset[i]);
      if (r.level[i] > 0) {
        sb.append('/').append(r.level[i]);
      }
      sb.append(' ');
    }
    return sb.append(r.status).toString();
  }

  @Test
  void walksIpv6ExtensionHeaderChain() {
    byte[] p =
        Frames.eth(0x86dd)
            .hex("60000000 0030 00 40")
            .zeros(32) // ipv6, next = hop-by-hop
            .hex("2b00 0000 00000000") // hop-by-hop (8 bytes), next = routing
            .hex("3c02 0001 00000000")
            .zeros(16) // routing, hdr_ext_len 2 = 24 bytes, next = dstopts
            .hex("2c00 0000 00000000") // dstopts, next = fragment
            .hex("1100 0000 00000001") // fragment offset 0, next = udp
            .hex("1234 0035 0008 0000")
            .bytes();
    assertEquals(
        "eth@0 ipv6@14 ipv6_hopopts@54 ipv6_routing@62 ipv6_dstopts@86 ipv6_frag@94"
            + " udp@102 OK",
        stack(p));
  }

  @Test
  void stopsAtNonFirstFragments() {
    byte[] v6 =
        Frames.eth(0x86dd)
            .hex("60000000 0010 2c 40")
            .zeros(32)
            .hex("1100 0010 00000001")
            .hex("1234 0035 0008 0000")
            .bytes();
    assertEquals("eth@0 ipv6@14 ipv6_frag@54 OK", stack(v6));
    byte[] v4 = Frames.eth(0x0800).ipv4(17, 0x0a000001, 0x0a000002, 8, 0).udp(1, 2, 0).bytes();
    v4[14 + 6] = 0x00;
    v4[14 + 7] = 0x10; // fragment offset 16
    assertEquals("eth@0 ipv4@14 OK", stack(v4));
  }

  @Test
  void parsesIpv4OptionsAndMplsOverEthernet() {
    byte[] opts = Frames.eth(0x0800).ipv4(6, 1, 2, 20, 3).tcp(1, 80).bytes();
    assertEquals("eth@0 ipv4@14 tcp@46 OK", stack(opts));
    byte[] mpls =
        Frames.eth(0x8847)
            .hex("00010040 00020140") // two labels, S on the second
            .ipv4(17, 1, 2, 8, 0)
            .udp(7, 9, 0)
            .bytes();
    assertEquals("eth@0 mpls@14 mpls@18 ipv4@22 udp@42 OK", stack(mpls));
  }

  @Test
  void parsesGreWithKeyCarryingEthernetAsInner() {
    byte[] p =
        Frames.eth(0x0800)
            .ipv4(47, 1, 2, 8 + 14 + 28, 0)
            .hex("2000 6558 0000002a") // K bit, key, transparent Ethernet bridging
            .hex("020000000002 020000000001 0806")
            .zeros(28)
            .bytes();
    assertEquals("eth@0 ipv4@14 gre@34 eth@42/1 arp@56/1 OK", stack(p));
  }

  @Test
  void classifiesTruncatedAndMalformedFrames() {
    byte[] ok = Frames.eth(0x0800).ipv4(6, 1, 2, 20, 0).tcp(1, 2).bytes();
    byte[] cut = java.util.Arrays.copyOf(ok, 40);
    assertEquals("eth@0 ipv4@14 TRUNCATED", stack(cut));
    assertEquals("TRUNCATED", stack(new byte[5]));
    byte[] badIhl = ok.clone();
    badIhl[14] = 0x43; // ihl 3 = 12 bytes < 20
    assertEquals("eth@0 BAD_LENGTH", stack(badIhl));
    byte[] threeTags = Frames.eth(0x8100).vlan(1, 0x8100).vlan(2, 0x8100).vlan(3, 0x0800).bytes();
    assertEquals("eth@0 vlan@14 vlan@18 STACK_OVERFLOW", stack(threeTags));
    byte[] mplsNoPayload = Frames.eth(0x8847).hex("00010040").bytes(); // S=0, nothing follows
    assertEquals("eth@0 mpls@14 TRUNCATED", stack(mplsNoPayload));
  }

  @Test
  void limitsTunnelNestingDepth() {
    // IPv4-in-IPv6-in-IPv4...: every header is extracted, the 17th exceeds max_depth 16.
    Frames f = Frames.eth(0x0800);
    for (int i = 0; i < 10; i++) {
      f.ipv4(41, 1, 2, 0, 0).hex("60000000 0000 04 40").zeros(32);
    }
    String s = stack(f.bytes());
    assertEquals("TOO_DEEP", s.substring(s.lastIndexOf(' ') + 1));
  }

  @Test
  void neverThrowsOnCorruptedOrTruncatedCaptureFrames() throws Exception {
    Path dir = TestFiles.shared().resolve("pcaps/tcpdump");
    if (!Files.isDirectory(dir) && TestFiles.requireTools()) {
      org.junit.jupiter.api.Assertions.fail(
          "XDPEMU_REQUIRE_KERNEL=1 but no shared captures at " + dir);
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(dir), "no shared captures");
    List<byte[]> frames = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s.filter(x -> x.toString().contains(".pcap"))::iterator) {
        TestPcap.read(p).forEach(f -> frames.add(f.data()));
      }
    }
    Random rnd = new Random(42);
    ParseResult r = PARSER.newResult();
    int statuses = 0;
    for (byte[] f : frames) {
      for (int len = 0; len <= f.length; len++) {
        PARSER.parse(f, 0, len, r);
      }
      for (int k = 0; k < 50; k++) {
        byte[] m = f.clone();
        for (int j = 0; j < 1 + rnd.nextInt(4); j++) {
          m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
        }
        PARSER.parse(m, 0, m.length, r);
        statuses |= 1 << r.status.ordinal();
      }
    }
    // Random corruption reaches more than one failure class.
    assertEquals(true, Integer.bitCount(statuses) >= 3, "statuses seen: " + statuses);
  }
}
