package io.xdpemu.runtime.gen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.pcap.Capture;
import io.xdpemu.pcap.PcapWriter;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.ArpPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.UdpPacket;

class TrafficGeneratorTest {
  static byte[] generate(String profile, long seed, int n) throws Exception {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (PcapWriter w = new PcapWriter(bos)) {
      new TrafficGenerator(profile, seed).write(w, n);
    }
    return bos.toByteArray();
  }

  @Test
  void sameSeedGivesTheSameBytesAndAnotherSeedDoesNot() throws Exception {
    assertArrayEquals(generate("mixed", 5, 300), generate("mixed", 5, 300));
    assertFalse(java.util.Arrays.equals(generate("mixed", 5, 300), generate("mixed", 6, 300)));
  }

  @Test
  void bundledCapturesAreWhatTheGeneratorMakes() throws Exception {
    String root = System.getProperty("xdpemu.root");
    Assumptions.assumeTrue(root != null, "xdpemu.root not set");
    Path p = Path.of(root, "pcaps", "mixed-1k.pcap");
    Assumptions.assumeTrue(Files.exists(p), "no " + p);
    assertArrayEquals(Files.readAllBytes(p), generate("mixed", 1, 1000));
  }

  /** pcap4j (an independent dissector) agrees on the headers and on every checksum. */
  @Test
  void mixedTrafficDissectsWithValidChecksumsAndCoversEveryKind() throws Exception {
    TrafficGenerator g = new TrafficGenerator("mixed", 11);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 3000; i++) {
      FrameBuilder f = g.next();
      assertTrue(f.length() >= 60 && f.length() <= 1514, "length " + f.length());
      EthernetPacket eth = EthernetPacket.newPacket(f.buffer(), 0, f.length());
      for (Packet p : eth) {
        seen.add(p.getClass().getSimpleName());
        if (p instanceof IpV4Packet v4) {
          assertTrue(v4.getHeader().hasValidChecksum(false), "ipv4 checksum, packet " + i);
          Packet l4 = v4.getPayload();
          if (l4 instanceof UdpPacket u) {
            assertTrue(
                u.hasValidChecksum(v4.getHeader().getSrcAddr(), v4.getHeader().getDstAddr(), false),
                "udp4 " + i);
          } else if (l4 instanceof TcpPacket t) {
            assertTrue(
                t.hasValidChecksum(v4.getHeader().getSrcAddr(), v4.getHeader().getDstAddr(), false),
                "tcp4 " + i);
          }
        } else if (p instanceof IpV6Packet v6) {
          Packet l4 = v6.getPayload();
          if (l4 instanceof UdpPacket u) {
            assertTrue(
                u.hasValidChecksum(v6.getHeader().getSrcAddr(), v6.getHeader().getDstAddr(), false),
                "udp6 " + i);
          } else if (l4 instanceof TcpPacket t) {
            assertTrue(
                t.hasValidChecksum(v6.getHeader().getSrcAddr(), v6.getHeader().getDstAddr(), false),
                "tcp6 " + i);
          }
        } else if (p instanceof ArpPacket a) {
          assertEquals(4, a.getHeader().getProtocolAddrLengthAsInt());
        }
      }
    }
    for (String k :
        new String[] {
          "IpV4Packet",
          "IpV6Packet",
          "TcpPacket",
          "UdpPacket",
          "ArpPacket",
          "Dot1qVlanTagPacket",
          "IcmpV4CommonPacket",
          "IcmpV6CommonPacket"
        }) {
      assertTrue(seen.contains(k), "no " + k + " in " + seen);
    }
  }

  @Test
  void millionPacketScaleCountIsExactAndReadable() throws Exception {
    Capture c = Capture.of("gen", generate("ipv4-udp", 3, 20000));
    assertEquals(20000, c.packetCount());
  }
}
