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
 * own suites): IPv4/UDP is bounced (MACs swapped, XDP_TX), ARP dropped, IPv6 passed, 802.1Q frames
 * trap, everything else is redirected to ifindex 5.
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
    Attachment att = new Attachment(plainNic(queues), ReplayTest::program, "test");
    return ReplayRun.run(
        att,
        q -> new ExecutionContext(new RegionRegistry()),
        null,
        new ReplayRun.Options(List.of(capture), out, trace, List.of(), 128, false),
        "stand-in",
        null);
  }

  /** A replay for the in-memory entry point (no outputs, batches of 128, lanes). */
  static Replay inMemory(Attachment att) {
    return new Replay(
        att, q -> new ExecutionContext(new RegionRegistry()), null, false, List.of(), 128, false);
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
    assertArrayEquals(
        read(four.resolve("packets.jsonl")), read(fourAgain.resolve("packets.jsonl")));
    String a = Files.readString(four.resolve("summary.json")).replaceAll("\"elapsed_ns\":\\d+", "");
    String b =
        Files.readString(fourAgain.resolve("summary.json")).replaceAll("\"elapsed_ns\":\\d+", "");
    assertEquals(a, b);
    for (int q = 0; q < 4; q++) {
      assertTrue(
          s4.queuePackets(q) > 300, "RSS spreads: queue " + q + " got " + s4.queuePackets(q));
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
    assertEquals(
        s.actionPackets(XdpAction.PASS), Capture.open(out.resolve("pass.pcap")).packetCount());
    assertEquals(s.actionPackets(XdpAction.TX), Capture.open(out.resolve("tx.pcap")).packetCount());
    assertEquals(
        s.actionPackets(XdpAction.REDIRECT),
        Capture.open(out.resolve("redirect-5.pcap")).packetCount());
    assertTrue(s.invalidActions() > 0);
    assertTrue(
        s.firstAborts().stream()
            .anyMatch(x -> x.pc() == 7 && x.reason().contains("stand-in trap")));
    List<String> lines = Files.readAllLines(out.resolve("packets.jsonl"));
    assertEquals(3000, lines.size());
    for (int i = 0; i < lines.size(); i++) {
      assertTrue(lines.get(i).startsWith("{\"index\":" + i + ",\"queue\":"), lines.get(i));
    }
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.contains("\"verdict\":\"XDP_REDIRECT\",\"retval\":4")
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
  void firmwareSwapAppliesAtThePacketIndexOrIsRefusedOrAfterTheLastPacket() throws Exception {
    Attachment att = new Attachment(plainNic(2), ReplayTest::program, "v1");
    Attachment dropAll = new Attachment(plainNic(2), ctx -> XdpAction.DROP, "v2");
    List<FirmwareSwap> swaps =
        List.of(
            new FirmwareSwap(1000, "v2.json", () -> dropAll),
            new FirmwareSwap(
                2000,
                "broken.json",
                () -> {
                  throw new io.xdpemu.ebpf.ProgramRejectedException("CO-RE relocation failed");
                }),
            new FirmwareSwap(5000, "v3.json", () -> att)); // due after the input's 3000 packets
    Path out = tmp.resolve("swap");
    ReplayStats s =
        ReplayRun.run(
            att,
            q -> new ExecutionContext(new RegionRegistry()),
            null,
            new ReplayRun.Options(List.of(capture), out, true, swaps, 256, false),
            "p",
            null);
    List<String> lines = Files.readAllLines(out.resolve("packets.jsonl"));
    assertTrue(lines.subList(0, 1000).stream().anyMatch(l -> !l.contains("XDP_DROP")));
    assertTrue(
        lines.subList(1000, 3000).stream().allMatch(l -> l.contains("\"verdict\":\"XDP_DROP\"")));
    assertEquals(3, s.swaps().size());
    assertTrue(s.swaps().get(0).applied());
    assertFalse(s.swaps().get(1).applied());
    assertEquals("CO-RE relocation failed", s.swaps().get(1).reason());
    String t = SummaryReport.table(s, "stand-in", "test");
    assertTrue(t.contains("Firmware swap at packet 1000 to v2.json: applied"), t);
    assertTrue(
        t.contains("Firmware swap at packet 3000 (after the last packet) to v3.json: applied"), t);
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

  /**
   * Steady state allocates nothing per packet: the allocation of a 12000-packet replay minus that
   * of a 6000-packet replay (same fixed costs) stays under a few bytes per packet. One queue, so
   * everything runs on this thread, whose allocation the JVM counts exactly.
   */
  @Test
  void steadyStateReplayAllocatesNothingPerPacket() throws Exception {
    Path small = tmp.resolve("alloc-6k.pcap");
    Path big = tmp.resolve("alloc-12k.pcap");
    for (Path p : new Path[] {small, big}) {
      try (OutputStream os = Files.newOutputStream(p);
          PcapWriter w = new PcapWriter(os)) {
        new TrafficGenerator("mixed", 5).write(w, p == small ? 6000 : 12000);
      }
    }
    Path out = tmp.resolve("alloc-out");
    XdpRunner bounceUdp =
        ctx -> {
          XdpBuff x = ctx.xdp();
          return x.frame[x.data + 23] == 17 ? XdpAction.TX : XdpAction.PASS;
        };
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long[] bytes = new long[2];
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 2; i++) {
        Attachment att = new Attachment(plainNic(1), bounceUdp, "alloc");
        ReplayRun.Options o =
            new ReplayRun.Options(List.of(i == 0 ? small : big), out, false, List.of(), 256, false);
        long before = mx.getCurrentThreadAllocatedBytes();
        ReplayRun.run(att, q -> new ExecutionContext(new RegionRegistry()), null, o, "p", null);
        bytes[i] = mx.getCurrentThreadAllocatedBytes() - before;
      }
    }
    long perPacket = (bytes[1] - bytes[0]) / 6000;
    assertTrue(
        perPacket < 8,
        "allocated "
            + perPacket
            + " bytes per packet ("
            + bytes[0]
            + " for 6k, "
            + bytes[1]
            + " for 12k)");
  }

  /**
   * Without outputs the lanes run their frames in their own slots (nothing is emitted); with
   * outputs, in the batch's slots: both count the same packets, bytes, actions, queues, redirect
   * errors and aborts.
   */
  @Test
  void aRunWithoutOutputsCountsWhatARunWithOutputsCounts() throws Exception {
    for (int queues : new int[] {2, 4}) {
      ReplayStats none = replay(queues, null, false);
      ReplayStats files = replay(queues, tmp.resolve("counted-" + queues), false);
      assertEquals(files.packets(), none.packets());
      assertEquals(files.bytes(), none.bytes());
      for (int a = 0; a < XdpAction.COUNT; a++) {
        assertEquals(files.actionPackets(a), none.actionPackets(a), "action " + a);
        assertEquals(files.actionBytes(a), none.actionBytes(a), "action " + a);
      }
      for (int q = 0; q < queues; q++) {
        assertEquals(files.queuePackets(q), none.queuePackets(q), "queue " + q);
        assertEquals(files.queueBytes(q), none.queueBytes(q), "queue " + q);
      }
      assertEquals(files.redirectErrors(), none.redirectErrors());
      assertEquals(files.invalidActions(), none.invalidActions());
      assertEquals(files.firstAborts(), none.firstAborts());
      assertTrue(none.actionPackets(XdpAction.ABORTED) > 0 && none.actionPackets(XdpAction.TX) > 0);
    }
  }

  /** The in-memory entry point the benchmarks use: passes accumulate, threads survive a pass. */
  @Test
  void inMemoryReplayCanBeRepeatedAndCountsEveryPass() throws Exception {
    Capture cap = Capture.of("mixed", Files.readAllBytes(capture));
    ReplayStats once = replay(2, null, false);
    Replay r = inMemory(new Attachment(plainNic(2), ReplayTest::program, "mem"));
    r.replay(List.of(cap));
    ReplayStats twice = r.replay(List.of(cap, cap));
    r.close();
    assertEquals(3 * 3000, twice.packets());
    for (int a = 0; a < XdpAction.COUNT; a++) {
      assertEquals(3 * once.actionPackets(a), twice.actionPackets(a));
    }
    for (int q = 0; q < 2; q++) {
      assertEquals(3 * once.queuePackets(q), twice.queuePackets(q));
    }
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalStateException.class, () -> r.replay(List.of(cap)));
  }

  /**
   * One queue and no output: the NIC reads each frame straight from a capture held in memory
   * instead of a copy in the packet's slot. The program sees the same frames (bytes, length,
   * timestamp, in order) and the counts are the same as from the mapped file, which is copied.
   */
  @Test
  void oneQueueReplayFromMemorySeesWhatAReplayFromTheFileSees() throws Exception {
    List<Long> fromMemory = oneQueueDigest(Capture.of("mixed", Files.readAllBytes(capture)));
    List<Long> fromFile = oneQueueDigest(Capture.open(capture));
    assertEquals(fromFile, fromMemory);
    assertEquals(3000L, fromFile.get(0));
  }

  /**
   * Four queues dealt to 2, 3 or 4 lanes (threads), from a file (frames copied) and from memory
   * (steered in place): every queue's program sees the same frames in the same order (bytes, data
   * and metadata offsets, time) as on one thread ({@code serial}), and the counts are the same.
   */
  @Test
  void queuesDealtToLanesSeeWhatOneThreadSees() throws Exception {
    for (Capture cap :
        List.of(Capture.open(capture), Capture.of("mixed", Files.readAllBytes(capture)))) {
      List<Long> serial = perQueueDigest(cap, 1, true);
      for (int cores : new int[] {2, 3, 4}) {
        assertEquals(serial, perQueueDigest(cap, cores, false), cores + " lanes, " + cap);
      }
    }
  }

  /**
   * A bug of ours in any lane (here: the program throws on the 200th frame of queue 3, run by the
   * last lane) reaches the caller as that exception, from the replaying thread, and the replay ends
   * instead of hanging.
   */
  @Test
  void aFailureInAnyLaneReachesTheCaller() throws Exception {
    Capture cap = Capture.open(capture);
    for (int cores : new int[] {2, 4}) {
      long[] seen = new long[1];
      XdpRunner failing =
          ctx -> {
            if (ctx.xdp().rxQueueIndex == 3 && ++seen[0] == 200) {
              throw new IllegalArgumentException("bug in lane");
            }
            return program(ctx);
          };
      Replay r =
          new Replay(
              new Attachment(plainNic(4), failing, "failing"),
              q -> new ExecutionContext(new RegionRegistry()),
              null,
              false,
              List.of(),
              128,
              false,
              i -> i > 0,
              cores);
      IllegalArgumentException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalArgumentException.class, () -> r.replay(List.of(cap, cap)));
      assertEquals("bug in lane", e.getMessage());
      org.junit.jupiter.api.Assertions.assertThrows(
          IllegalStateException.class, () -> r.replay(List.of(cap)));
      r.close();
    }
  }

  /**
   * Per queue: frames seen and a digest of them in order (which firmware generation ran each); then
   * the replay's counts. Two passes, each with a swap at packet 1000 (mid-batch) and a refused one
   * at 2000.
   */
  private static List<Long> perQueueDigest(Capture cap, int cores, boolean serial) {
    long[] seen = new long[8];
    java.util.function.LongFunction<XdpRunner> digesting =
        tag ->
            ctx -> {
              XdpBuff x = ctx.xdp();
              int q = x.rxQueueIndex; // each queue runs on one lane: its cells have one writer
              seen[2 * q]++;
              seen[2 * q + 1] = digest(seen[2 * q + 1], ctx) + 7L * tag;
              return program(ctx);
            };
    List<FirmwareSwap> swaps =
        List.of(
            new FirmwareSwap(
                1000, "v2.json", () -> new Attachment(plainNic(4), digesting.apply(2), "v2")),
            new FirmwareSwap(
                2000,
                "broken.json",
                () -> {
                  throw new io.xdpemu.ebpf.ProgramRejectedException("CO-RE relocation failed");
                }));
    Replay r =
        new Replay(
            new Attachment(plainNic(4), digesting.apply(1), "lanes"),
            q -> new ExecutionContext(new RegionRegistry()),
            null,
            false,
            swaps,
            128,
            serial,
            i -> i > 0,
            cores);
    assertEquals(serial ? 1 : Math.min(cores, 4), r.lanes());
    ReplayStats s = r.replay(List.of(cap, cap));
    r.close();
    List<Long> out = new java.util.ArrayList<>();
    for (long v : seen) {
      out.add(v);
    }
    out.add(s.packets());
    for (int q = 0; q < 4; q++) {
      out.add(s.queuePackets(q));
      out.add(s.queueBytes(q));
    }
    for (int a = 0; a < XdpAction.COUNT; a++) {
      out.add(s.actionPackets(a));
      out.add(s.actionBytes(a));
    }
    out.add(s.invalidActions());
    out.add((long) s.firstAborts().size());
    for (ReplayStats.Swap w : s.swaps()) {
      out.add(w.index() * (w.applied() ? 1 : -1));
    }
    return out;
  }

  /** {@code acc} extended by the frame the program sees: its bytes, data offset and time. */
  private static long digest(long acc, ExecutionContext ctx) {
    XdpBuff x = ctx.xdp();
    return acc * 1_000_003L
        + java.util.Arrays.hashCode(java.util.Arrays.copyOfRange(x.frame, x.meta, x.end))
        + 31L * (x.data - x.meta)
        + ctx.clockNs;
  }

  /** Packets the program saw, a digest of what it saw, then the replay's counts. */
  private static List<Long> oneQueueDigest(Capture cap) {
    long[] seen = new long[2];
    XdpRunner digesting =
        ctx -> {
          seen[0]++;
          seen[1] = digest(seen[1], ctx);
          return program(ctx);
        };
    Replay r = inMemory(new Attachment(plainNic(1), digesting, "mem"));
    ReplayStats s = r.replay(List.of(cap, cap));
    r.close();
    List<Long> out = new java.util.ArrayList<>(List.of(seen[0] / 2, seen[1], s.packets()));
    for (int a = 0; a < XdpAction.COUNT; a++) {
      out.add(s.actionPackets(a));
      out.add(s.actionBytes(a));
    }
    out.add(s.invalidActions());
    return out;
  }

  /** Redirects through a devmap, a cpumap and an xskmap land in their files; a miss is an error. */
  @Test
  void redirectsThroughMapsGoToTheirTargets() throws Exception {
    io.xdpemu.ebpf.vm.RegionRegistry regions = new RegionRegistry();
    io.xdpemu.ebpf.maps.MapRegistry maps = new io.xdpemu.ebpf.maps.MapRegistry(regions, 2);
    io.xdpemu.ebpf.maps.BpfMap dev = maps.create(redirectMap("tx_port", 14));
    io.xdpemu.ebpf.maps.BpfMap cpu = maps.create(redirectMap("cpus", 16));
    io.xdpemu.ebpf.maps.BpfMap xsk = maps.create(redirectMap("xsks", 17));
    assertEquals(0, dev.update(le(0), le(7), 0));
    assertEquals(0, cpu.update(le(1), le(128), 0));
    assertEquals(0, xsk.update(le(0), le(3), 0));
    XdpRunner prog =
        ctx -> {
          XdpBuff x = ctx.xdp();
          int last = x.frame[x.end - 1] & 3;
          io.xdpemu.ebpf.maps.BpfMap m = last == 0 ? dev : last == 1 ? cpu : xsk;
          ctx.redirectMapHandle = m.handle();
          ctx.redirectKey = last == 1 ? 1 : last == 3 ? 5 : 0; // key 5 of the xskmap is empty
          return XdpAction.REDIRECT;
        };
    Path out = tmp.resolve("redirect-maps");
    ReplayStats s =
        ReplayRun.run(
            new Attachment(plainNic(1), prog, "r"),
            q -> new ExecutionContext(regions),
            maps,
            new ReplayRun.Options(List.of(capture), out, true, List.of(), 256, false),
            "r",
            null);
    long dev7 = Capture.open(out.resolve("redirect-7.pcap")).packetCount();
    long cpu1 = Capture.open(out.resolve("redirect-cpu1.pcap")).packetCount();
    long xsk0 = Capture.open(out.resolve("redirect-xsk0.pcap")).packetCount();
    assertEquals(3000, dev7 + cpu1 + xsk0 + s.redirectErrors());
    assertTrue(dev7 > 0 && cpu1 > 0 && xsk0 > 0 && s.redirectErrors() > 0);
    List<String> lines = Files.readAllLines(out.resolve("packets.jsonl"));
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.endsWith(
                        "\"redirect\":{\"map\":\"tx_port\",\"type\":\"devmap\",\"key\":0,\"ifindex\":7}}")));
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.endsWith(
                        "\"redirect\":{\"map\":\"cpus\",\"type\":\"cpumap\",\"key\":1,\"cpu\":1}}")));
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.endsWith(
                        "\"redirect\":{\"map\":\"xsks\",\"type\":\"xskmap\",\"key\":5,\"error\":-2}}")));
  }

  /** BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS: one copy per device except the ingress one (1). */
  @Test
  void broadcastRedirectCopiesToEveryDeviceButTheIngress() throws Exception {
    RegionRegistry regions = new RegionRegistry();
    io.xdpemu.ebpf.maps.MapRegistry maps = new io.xdpemu.ebpf.maps.MapRegistry(regions, 1);
    io.xdpemu.ebpf.maps.BpfMap dev = maps.create(redirectMap("ports", 14));
    assertEquals(0, dev.update(le(0), le(7), 0));
    assertEquals(0, dev.update(le(1), le(1), 0));
    assertEquals(0, dev.update(le(2), le(9), 0));
    XdpRunner prog =
        ctx -> {
          ctx.redirectMapHandle = dev.handle();
          ctx.redirectFlags = (1L << 3) | (1L << 4);
          return XdpAction.REDIRECT;
        };
    Path out = tmp.resolve("broadcast");
    ReplayRun.run(
        new Attachment(plainNic(1), prog, "b"),
        q -> new ExecutionContext(regions),
        maps,
        new ReplayRun.Options(List.of(capture), out, true, List.of(), 256, false),
        "b",
        null);
    assertEquals(3000, Capture.open(out.resolve("redirect-7.pcap")).packetCount());
    assertEquals(3000, Capture.open(out.resolve("redirect-9.pcap")).packetCount());
    assertFalse(Files.exists(out.resolve("redirect-1.pcap")));
    assertTrue(
        Files.readAllLines(out.resolve("packets.jsonl"))
            .get(0)
            .endsWith("\"redirect\":{\"map\":\"ports\",\"type\":\"devmap\",\"broadcast\":[7,9]}}"));
  }

  static io.xdpemu.ebpf.maps.MapDefinition redirectMap(String name, int type) {
    return new io.xdpemu.ebpf.maps.MapDefinition(
        name, type, 4, 4, 8, 0, 0, 0, 0, null, null, null, false);
  }

  static byte[] le(int v) {
    return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
  }

  /** A frame larger than a page never reaches the program: the NIC drops it (XDP_DROP, counted). */
  @Test
  void jumboFramesAreDroppedByTheNic() throws Exception {
    Path jumbo = tmp.resolve("jumbo.pcap");
    byte[] big = new byte[5000];
    big[12] = 0x08;
    try (OutputStream os = Files.newOutputStream(jumbo);
        PcapWriter w = new PcapWriter(os)) {
      w.write(1, big, 0, 60);
      w.write(2, big, 0, big.length);
    }
    ReplayStats s =
        ReplayRun.run(
            new Attachment(plainNic(1), ctx -> XdpAction.PASS, "j"),
            q -> new ExecutionContext(new RegionRegistry()),
            null,
            new ReplayRun.Options(List.of(jumbo), null, false, List.of(), 16, false),
            "j",
            null);
    assertEquals(1, s.actionPackets(XdpAction.PASS));
    assertEquals(1, s.actionPackets(XdpAction.DROP));
    assertEquals(1, s.nicDrops());
  }

  private static final java.util.List<io.xdpemu.nic.Nic> NICS = new java.util.ArrayList<>();

  /** The NIC of a run without firmware; its frame buffers go back to the pool after the test. */
  static io.xdpemu.nic.Nic plainNic(int queues) {
    io.xdpemu.nic.Nic nic =
        io.xdpemu.nic.Nic.plain(
            io.xdpemu.nic.NicConfig.defaults().withQueues(queues).withIfindex(1));
    NICS.add(nic);
    return nic;
  }

  @org.junit.jupiter.api.AfterEach
  void releaseNics() {
    NICS.forEach(io.xdpemu.nic.Nic::close);
    NICS.clear();
  }
}
