package io.xdpemu.nic.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.xdpemu.nic.TestFiles;
import io.xdpemu.nic.firmware.Firmware;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The shipped firmware's parser against a dissector nobody here wrote: for every Ethernet frame of
 * the shared tcpdump captures (and the project's own pcaps/ when present), the header stack and
 * each header's offset agree with tshark's PDML ({@code <proto name=".." pos="..">}).
 *
 * <p>Comparison rule: tshark's layers are mapped to header type names; the list is cut at the first
 * layer the firmware does not describe (application protocols: dns, http, ppp, ...) and after
 * ICMP/ICMPv6 (whose quoted packet a NIC does not parse). Both lists must then be equal, name by
 * name and offset by offset. When the parse stopped with TRUNCATED, the NIC's stack is tshark's
 * minus the header that did not fit.
 */
class TsharkAgreementTest {
  private static final Map<String, String> TSHARK_TO_FIRMWARE =
      Map.ofEntries(
          Map.entry("eth", "eth"),
          Map.entry("vlan", "vlan"),
          Map.entry("ieee8021ad", "vlan"),
          Map.entry("arp", "arp"),
          Map.entry("ip", "ipv4"),
          Map.entry("ipv6", "ipv6"),
          Map.entry("ipv6.hopopts", "ipv6_hopopts"),
          Map.entry("ipv6.routing", "ipv6_routing"),
          Map.entry("ipv6.fraghdr", "ipv6_frag"),
          Map.entry("ipv6.dstopts", "ipv6_dstopts"),
          Map.entry("tcp", "tcp"),
          Map.entry("udp", "udp"),
          Map.entry("icmp", "icmp"),
          Map.entry("icmpv6", "icmpv6"),
          Map.entry("gre", "gre"),
          Map.entry("erspan", "erspan"),
          Map.entry("vxlan", "vxlan"),
          Map.entry("geneve", "geneve"),
          Map.entry("mpls", "mpls"));

  private static final Pattern PROTO =
      Pattern.compile("<proto name=\"([^\"]+)\"[^>]*?pos=\"(\\d+)\"");

  @TestFactory
  Stream<DynamicTest> everyEthernetFrameAgreesWithTshark() throws IOException {
    boolean haveTshark = tsharkAvailable();
    if (!haveTshark && TestFiles.requireTools()) {
      fail("tshark is required (XDPEMU_REQUIRE_TOOLS/KERNEL=1) but not found");
    }
    Assumptions.assumeTrue(haveTshark, "tshark not installed: parser-vs-tshark check skipped");
    List<Path> captures = new ArrayList<>();
    for (Path dir :
        List.of(TestFiles.shared().resolve("pcaps/tcpdump"), TestFiles.root().resolve("pcaps"))) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> s = Files.list(dir)) {
          s.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng"))
              .sorted()
              .forEach(captures::add);
        }
      }
    }
    Assumptions.assumeFalse(captures.isEmpty(), "no captures found under " + TestFiles.shared());
    Firmware fw = TestFiles.firmware("mynic-v1.json");
    PacketParser parser = new PacketParser(fw);
    return captures.stream()
        .map(c -> DynamicTest.dynamicTest(c.getFileName().toString(), () -> check(c, fw, parser)));
  }

  /**
   * Stacks the tcpdump captures lack, built here, written as a pcap and dissected by tshark: IPv6
   * extension-header chains, MPLS over Ethernet, GRE with key carrying Ethernet, QinQ with IPv6,
   * IPv4 options, Geneve carrying Ethernet, fragments, truncated frames.
   */
  @org.junit.jupiter.api.Test
  void synthesizedStacksAgreeWithTshark(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws Exception {
    boolean haveTshark = tsharkAvailable();
    if (!haveTshark && TestFiles.requireTools()) {
      fail("tshark is required (XDPEMU_REQUIRE_TOOLS/KERNEL=1) but not found");
    }
    Assumptions.assumeTrue(haveTshark, "tshark not installed: parser-vs-tshark check skipped");
    List<byte[]> frames = SyntheticFrames.all();
    Path pcap = tmp.resolve("synthetic.pcap");
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.nio.ByteBuffer h =
        java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    h.putInt(0xa1b2c3d4)
        .putShort((short) 2)
        .putShort((short) 4)
        .putInt(0)
        .putInt(0)
        .putInt(65535)
        .putInt(1);
    out.write(h.array());
    for (byte[] f : frames) {
      java.nio.ByteBuffer r =
          java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      r.putInt(0).putInt(0).putInt(f.length).putInt(f.length);
      out.write(r.array());
      out.write(f);
    }
    Files.write(pcap, out.toByteArray());
    Firmware fw = TestFiles.firmware("mynic-v1.json");
    check(pcap, fw, new PacketParser(fw));
  }

  private static void check(Path capture, Firmware fw, PacketParser parser) throws Exception {
    List<TestPcap.Frame> frames = TestPcap.read(capture);
    boolean ethernet = frames.stream().allMatch(f -> f.linktype() == 1);
    Assumptions.assumeTrue(
        ethernet,
        capture.getFileName()
            + " is not Ethernet (linktype "
            + (frames.isEmpty() ? "?" : frames.get(0).linktype())
            + "); the NIC sees Ethernet only");
    List<List<String[]>> tshark = pdmlLayers(capture);
    assertEquals(frames.size(), tshark.size(), "frame count");
    ParseResult r = parser.newResult();
    for (int i = 0; i < frames.size(); i++) {
      byte[] data = frames.get(i).data();
      parser.parse(data, 0, data.length, r);
      List<String> ours = new ArrayList<>();
      for (int h = 0; h < r.count; h++) {
        ours.add(fw.headers().get(r.type[h]).name() + "@" + r.offset[h]);
      }
      List<String> theirs = new ArrayList<>();
      for (String[] layer : tshark.get(i)) {
        String mapped = TSHARK_TO_FIRMWARE.get(layer[0]);
        if (mapped == null) {
          break;
        }
        theirs.add(mapped + "@" + layer[1]);
        if (mapped.equals("icmp") || mapped.equals("icmpv6")) {
          break;
        }
      }
      if (r.status == ParseStatus.TRUNCATED && theirs.size() == ours.size() + 1) {
        theirs.remove(theirs.size() - 1);
      }
      assertEquals(
          theirs, ours, capture.getFileName() + " frame " + (i + 1) + " (status " + r.status + ")");
      assertTrue(
          r.status == ParseStatus.OK || r.status == ParseStatus.TRUNCATED,
          capture.getFileName() + " frame " + (i + 1) + ": " + r.status);
    }
  }

  /** Per frame, the (protocol, pos) pairs of tshark's PDML, in document order. */
  private static List<List<String[]>> pdmlLayers(Path capture) throws Exception {
    Process p =
        new ProcessBuilder("tshark", "-n", "-r", capture.toString(), "-T", "pdml")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String xml = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "tshark timed out");
    List<List<String[]>> frames = new ArrayList<>();
    for (String packet : xml.split("<packet>")) {
      if (!packet.contains("<proto")) {
        continue;
      }
      List<String[]> layers = new ArrayList<>();
      Matcher m = PROTO.matcher(packet);
      while (m.find()) {
        String name = m.group(1);
        if (!name.equals("geninfo")
            && !name.equals("frame")
            && !name.equals("fake-field-wrapper")) {
          layers.add(new String[] {name, m.group(2)});
        }
      }
      frames.add(layers);
    }
    return frames;
  }

  private static boolean tsharkAvailable() {
    try {
      Process p = new ProcessBuilder("tshark", "-v").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
