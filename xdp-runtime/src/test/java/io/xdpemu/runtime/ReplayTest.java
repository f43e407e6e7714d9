package io.xdpemu.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.RegionRegistry;
import io.xdpemu.ebpf.vm.TrapException;
import io.xdpemu.ebpf.vm.XdpBuff;
import io.xdpemu.pcap.Capture;
import io.xdpemu.pcap.CaptureCursor;
import io.xdpemu.pcap.PcapWriter;
import io.xdpemu.runtime.gen.TrafficGenerator;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay engine with a stand-in program written in Java (the real engines are tested by their
 * own suites): IPv4/UDP is bounced (MACs swapped, XDP_TX), ARP dropped, IPv6 passed, 802.1Q
 * frames trap, everything else is redirected to ifindex 5.
 */
class ReplayTest {
  @TempDir static Path tmp;
  static Path capture;

  @BeforeAll
  static void generate() throws Exception {
    capture = tmp.resolve("mixed.pcap");
    try (OutputStream os = Files.newOutputStream(capture);
        PcapWriter w = new PcapWriter(os)) {
      new TrafficGenerator("mixed", 9).write(w, 3000);
    }
  }

  static long program(ExecutionContext ctx) {
    XdpBuff x = ctx.xdp();
    byte[] f = x.frame;
    int d = x.data;
    int type = ((f[d + 12] & 0xff) << 8) | (f[d + 13] & 0xff);
    switch (type) {
      case 0x0800:
        if (f[d + 23] == 17) {
          for (int i = 0; i < 6; i++) {
            byte t = f[d + i];
            f[d + i] = f[d + 6 + i];
            f[d + 6 + i] = t;
          }
          return XdpAction.TX;
        }
        ctx.redirectIfindex = 5;
        return XdpAction.REDIRECT;
      case 0x0806:
        return XdpAction.DROP;
      case 0x86dd:
        return XdpAction.PASS;
      case 0x8100:
        throw new TrapException(7, "stand-in trap");
      default:
        return 99; // an invalid action
    }
  }

  static ReplayStats replay(int queues, Path out, boolean trace) {
    Attachment att = new Attachment(new PlainRxPath(queues, 1), ReplayTest::program, "test");
    return ReplayRun.run(att, q -> new ExecutionContext(new RegionRegistry()), null,
        new ReplayRun.Options(List.of(capture), out, trace, List.of(), 128), "stand-in", null);
  }

  static byte[] read(Path p) throws Exception {
    return Files.readAllBytes(p);
  }

  @Test
  void outputsAreIdenticalAcrossRunsAndQueueCounts() throws Exception {
    Path one = tmp.resolve("q1");
    Path four = tmp.resolve("q4");
    Path fourAgain = tmp.resolve("q4b");
    replay(1, one, true);
    ReplayStats s4 = replay(4, four, true);
    replay(4, fourAgain, true);
    for (String f : new String[] {"pass.pcap", "tx.pcap", "redirect-5.pcap", "maps.json"}) {
      assertArrayEquals(read(one.resolve(f)), read(four.resolve(f)), f + " 1 vs 4 queues");
      assertArrayEquals(read(four.resolve(f)), read(fourAgain.resolve(f)), f + " repeated");
    }
    assertArrayEquals(read(four.resolve("packets.jsonl")), read(fourAgain.resolve("packets.jsonl")));
    String a = Files.readString(four.resolve("summary.json")).replaceAll("\"elapsed_ns\":\\d+", "");
    String b = Files.readString(fourAgain.resolve("summary.json")).replaceAll("\"elapsed_ns\":\\d+", "");
    assertEquals(a, b);
    for (int q = 0; q < 4; q++) {
      assertTrue(s4.queuePackets(q) > 300, "RSS spreads: queue " + q + " got " + s4.queuePackets(q));
    }
  }

  @Test
  void everyPacketIsCountedOnceWithItsAction() throws Exception {
    Path out = tmp.resolve("counts");
    ReplayStats s = replay(2, out, true);
    assertEquals(3000, s.packets());
    long sum = 0;
    for (int a = 0; a < XdpAction.COUNT; a++) {
      sum += s.actionPackets(a);
    }
    assertEquals(3000, sum);
    assertEquals(s.actionPackets(XdpAction.PASS), Capture.open(out.resolve("pass.pcap")).packetCount());
    assertEquals(s.actionPackets(XdpAction.TX), Capture.open(out.resolve("tx.pcap")).packetCount());
    assertEquals(s.actionPackets(XdpAction.REDIRECT),
        Capture.open(out.resolve("redirect-5.pcap")).packetCount());
    assertTrue(s.invalidActions() > 0);
    assertTrue(s.firstAborts().stream().anyMatch(x -> x.pc() == 7 && x.reason().contains("stand-in trap")));
    List<String> lines = Files.readAllLines(out.resolve("packets.jsonl"));
    assertEquals(3000, lines.size());
    for (int i = 0; i < lines.size(); i++) {
      assertTrue(lines.get(i).startsWith("{\"index\":" + i + ",\"queue\":"), lines.get(i));
    }
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"verdict\":\"XDP_REDIRECT\",\"retval\":4")
        && l.endsWith("\"redirect\":{\"ifindex\":5}}")));
    try (Stream<Path> files = Files.list(out)) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".partial")));
    }
  }

  @Test
  void txFramesAreWrittenAsTheProgramLeftThem() throws Exception {
    Path out = tmp.resolve("tx");
    replay(1, out, false);
    CaptureCursor in = Capture.open(capture).cursor();
    CaptureCursor tx = Capture.open(out.resolve("tx.pcap")).cursor();
    assertTrue(tx.next());
    byte[] txFrame = new byte[tx.capturedLength()];
    tx.copyTo(txFrame, 0);
    while (in.next()) {
      if (in.timestampNs() == tx.timestampNs()) {
        byte[] inFrame = new byte[in.capturedLength()];
        in.copyTo(inFrame, 0);
        for (int i = 0; i < 6; i++) {
          assertEquals(inFrame[i], txFrame[6 + i]);
          assertEquals(inFrame[6 + i], txFrame[i]);
        }
        assertEquals(inFrame.length, txFrame.length);
        return;
      }
    }
    throw new AssertionError("tx frame not found in the input");
  }

  @Test
  void firmwareSwapAppliesAtThePacketIndexOrIsRefused() throws Exception {
    Attachment att = new Attachment(new PlainRxPath(2, 1), ReplayTest::program, "v1");
    Attachment dropAll = new Attachment(new PlainRxPath(2, 1), ctx -> XdpAction.DROP, "v2");
    List<FirmwareSwap> swaps = List.of(
        new FirmwareSwap(1000, "v2.json", () -> dropAll),
        new FirmwareSwap(2000, "broken.json", () -> {
          throw new io.xdpemu.ebpf.ProgramRejectedException("CO-RE relocation failed");
        }));
    Path out = tmp.resolve("swap");
    ReplayStats s = ReplayRun.run(att, q -> new ExecutionContext(new RegionRegistry()), null,
        new ReplayRun.Options(List.of(capture), out, true, swaps, 256), "p", null);
    List<String> lines = Files.readAllLines(out.resolve("packets.jsonl"));
    assertTrue(lines.subList(0, 1000).stream().anyMatch(l -> !l.contains("XDP_DROP")));
    assertTrue(lines.subList(1000, 3000).stream().allMatch(l -> l.contains("\"verdict\":\"XDP_DROP\"")));
    assertEquals(2, s.swaps().size());
    assertTrue(s.swaps().get(0).applied());
    assertFalse(s.swaps().get(1).applied());
    assertEquals("CO-RE relocation failed", s.swaps().get(1).reason());
  }

  @Test
  void summaryTableListsEveryActionAndQueue() {
    ReplayStats s = replay(2, null, false);
    String t = SummaryReport.table(s, "stand-in", "test");
    for (int a = 0; a < XdpAction.COUNT; a++) {
      assertTrue(t.contains(XdpAction.name(a)), t);
    }
    assertTrue(t.contains("Packets received : 3,000"), t);
  }
}
