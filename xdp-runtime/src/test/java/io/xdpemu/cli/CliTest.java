package io.xdpemu.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** The command line through {@link Main#run}: exit codes, one-line errors, outputs. */
class CliTest {
  record Outcome(int code, String out, String err) {}

  @TempDir static Path tmp;
  static Path root;
  static Path pcap;

  static Outcome xdpemu(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static String example(String name) {
    return root.resolve("examples").resolve(name).toString();
  }

  @BeforeAll
  static void setUp() {
    String r = System.getProperty("xdpemu.root");
    Assumptions.assumeTrue(
        r != null && Files.isDirectory(Path.of(r, "examples")),
        "repository root with examples/ not found");
    root = Path.of(r);
    pcap = tmp.resolve("small.pcap");
    assertEquals(
        0, xdpemu("gen-pcap", "--out", pcap.toString(), "--count", "400", "--seed", "4").code());
  }

  static void assertOneLineError(Outcome o, int code, String start) {
    assertEquals(code, o.code(), o.err());
    assertTrue(o.err().startsWith("xdpemu: " + start), o.err());
    assertEquals(1, o.err().lines().count(), o.err());
    assertFalse(o.err().contains("\tat "), o.err());
  }

  @TestFactory
  Stream<DynamicTest> everySubcommandHasHelpAndRefusesUnknownFlags() {
    return Stream.of("run", "test-run", "verify", "disasm", "gen-pcap")
        .flatMap(
            cmd ->
                Stream.of(
                    DynamicTest.dynamicTest(
                        cmd + " --help",
                        () -> {
                          Outcome o = xdpemu(cmd, "--help");
                          assertEquals(0, o.code());
                          assertTrue(o.out().startsWith("usage: xdpemu " + cmd), o.out());
                        }),
                    DynamicTest.dynamicTest(
                        cmd + " --frobnicate",
                        () ->
                            assertOneLineError(
                                xdpemu(cmd, "--frobnicate"),
                                2,
                                "unknown option '--frobnicate' for 'xdpemu " + cmd))));
  }

  @Test
  void nestedSubcommandsHaveHelpAndOneLineUsageErrors() {
    for (String[] cmd : new String[][] {{"btf", "dump"}, {"firmware", "compile"}, {"btf"}}) {
      String name = String.join(" ", cmd);
      Outcome o = xdpemu(concat(cmd, "--help"));
      assertEquals(0, o.code(), name);
      assertTrue(o.out().startsWith("usage: xdpemu " + name), o.out());
      assertOneLineError(
          xdpemu(concat(cmd, "--frobnicate")),
          2,
          "unknown option '--frobnicate' for 'xdpemu " + name + "' (see xdpemu " + name);
    }
    assertOneLineError(xdpemu("firmware"), 2, "firmware: missing subcommand");
    assertOneLineError(xdpemu("run"), 2, "run: Missing required parameter: 'PROG.o'");
    assertOneLineError(
        xdpemu("run", "x.o", "--queues", "many"), 2, "run: Invalid value for option '--queues'");
    assertOneLineError(xdpemu("verify", "x.o", "--log-level"), 2, "verify: Missing required");
    assertOneLineError(
        xdpemu("run", example("xdp_pass.o"), "--pcap", "@no-such.pcap"),
        2,
        "cannot read capture file @no-such.pcap: no such file");
    Outcome none = xdpemu();
    assertEquals(2, none.code());
    assertTrue(none.out().startsWith("usage: xdpemu"), none.out());
  }

  @Test
  void generatesShellCompletionForEveryCommand() {
    Outcome o = xdpemu("generate-completion");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().startsWith("#!/usr/bin/env bash"), o.out());
    for (String word : List.of("run", "test-run", "verify", "--swap-firmware", "--log-level")) {
      assertTrue(o.out().contains(word), word);
    }
  }

  private static String[] concat(String[] a, String b) {
    String[] r = Arrays.copyOf(a, a.length + 1);
    r[a.length] = b;
    return r;
  }

  @Test
  void missingObjectIsOneLineExit2() {
    assertOneLineError(
        xdpemu("run", "/nonexistent.o", "--pcap", pcap.toString()),
        2,
        "cannot read object file /nonexistent.o: no such file");
  }

  @Test
  void garbageAndTruncatedObjectsAreMalformed() throws Exception {
    Path garbage = Files.writeString(tmp.resolve("garbage.o"), "not an ELF file at all, sorry");
    assertOneLineError(xdpemu("verify", garbage.toString()), 2, "malformed ELF");
    byte[] elf = Files.readAllBytes(Path.of(example("xdp_drop.o")));
    Path cut = Files.write(tmp.resolve("cut.o"), Arrays.copyOf(elf, elf.length / 2));
    assertOneLineError(xdpemu("verify", cut.toString()), 2, "malformed ELF");
  }

  @Test
  void programNotInTheObjectIsBadInput() {
    assertOneLineError(
        xdpemu("disasm", example("xdp_drop.o"), "--prog", "nope"),
        2,
        example("xdp_drop.o") + ": no program named 'nope'");
  }

  @Test
  void debugShowsTheStackTrace() {
    Outcome o = xdpemu("verify", "/nonexistent.o", "--debug");
    assertEquals(2, o.code());
    assertTrue(o.err().contains("\tat "), o.err());
  }

  @Test
  void malformedInputsAreRefusedAndLeaveNoOutputFiles() throws Exception {
    byte[] good = Files.readAllBytes(pcap);
    Path truncated = Files.write(tmp.resolve("trunc.pcap"), Arrays.copyOf(good, good.length - 7));
    Path out = tmp.resolve("refused-out");
    Outcome o =
        xdpemu(
            "run",
            example("xdp_pass.o"),
            "--pcap",
            pcap.toString(),
            "--pcap",
            truncated.toString(),
            "--out",
            out.toString(),
            "--trace");
    assertOneLineError(o, 2, "malformed pcap file " + truncated + ": at byte offset");
    assertFalse(Files.exists(out) && Files.list(out).findAny().isPresent(), "no files in " + out);

    Path badInit = Files.writeString(tmp.resolve("init.json"), "{\"blocklist\": [1,2");
    assertOneLineError(
        xdpemu(
            "run",
            example("xdp_drop.o"),
            "--pcap",
            pcap.toString(),
            "--map-init",
            badInit.toString()),
        2,
        "malformed " + badInit);
    Path badFw = Files.writeString(tmp.resolve("fw.json"), "{\"format\": 3}");
    Outcome f =
        xdpemu(
            "run",
            example("xdp_pass.o"),
            "--pcap",
            pcap.toString(),
            "--firmware",
            badFw.toString());
    assertEquals(2, f.code(), f.err());
    assertEquals(1, f.err().lines().count(), f.err());
    Path badPcap = Files.writeString(tmp.resolve("junk.pcap"), "junk");
    assertOneLineError(
        xdpemu("run", example("xdp_pass.o"), "--pcap", badPcap.toString()),
        2,
        "malformed pcap file " + badPcap + ": at byte offset 0");
  }

  @Test
  void runWritesTheContractFiles() throws Exception {
    Path out = tmp.resolve("run-out");
    Outcome o =
        xdpemu(
            "run",
            example("xdp_bounce.o"),
            "--pcap",
            pcap.toString(),
            "--out",
            out.toString(),
            "--trace",
            "--queues",
            "2");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("XDP_TX"), o.out());
    String summary = Files.readString(out.resolve("summary.json"));
    assertTrue(
        summary.matches(
            "\\{\"packets\":400,\"bytes\":\\d+,\"verdicts\":\\{\"XDP_ABORTED\":\\d+,"
                + "\"XDP_DROP\":\\d+,\"XDP_PASS\":\\d+,\"XDP_TX\":\\d+,\"XDP_REDIRECT\":\\d+\\},\"queues\":\\[.*"
                + "\\],\"elapsed_ns\":\\d+,.*\\}\\n"),
        summary);
    List<String> lines = Files.readAllLines(out.resolve("packets.jsonl"));
    assertEquals(400, lines.size());
    assertTrue(
        lines
            .get(0)
            .matches(
                "\\{\"index\":0,\"queue\":\\d,\"verdict\":\"XDP_[A-Z]+\",\"retval\":\\d,"
                    + "\"meta_in\":\"\",\"data_in\":\"[0-9a-f]+\",\"data_out\":\"[0-9a-f]+\",\"redirect\":null\\}"),
        lines.get(0));
    assertTrue(Files.readString(out.resolve("maps.json")).startsWith("{"));
    try (Stream<Path> s = Files.list(out)) {
      assertEquals(
          List.of(
              "maps.json", "packets.jsonl", "packets.txt", "pass.pcap", "summary.json", "tx.pcap"),
          s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  /**
   * xdp_drop with a preloaded blocklist only reads shared state: its replay is byte-identical
   * between 1 and 4 queues and from run to run.
   */
  @Test
  void replayIsDeterministicAcrossQueueCountsAndRuns() throws Exception {
    Path init =
        Files.writeString(
            tmp.resolve("blocklist.json"), "{\"blocklist\":{\"entries\":[" + blocklist() + "]}}");
    Path[] outs = {tmp.resolve("d1"), tmp.resolve("d4"), tmp.resolve("d4b")};
    String[] queues = {"1", "4", "4"};
    for (int i = 0; i < 3; i++) {
      Outcome o =
          xdpemu(
              "run",
              example("xdp_drop.o"),
              "--pcap",
              pcap.toString(),
              "--out",
              outs[i].toString(),
              "--trace",
              "--queues",
              queues[i],
              "--map-init",
              init.toString());
      assertEquals(0, o.code(), o.err());
    }
    assertTrue(Files.size(outs[0].resolve("pass.pcap")) > 24);
    String dropped = Files.readString(outs[0].resolve("summary.json"));
    assertFalse(dropped.contains("\"XDP_DROP\":0,"), dropped);
    assertSameFiles(outs[0], outs[1], "pass.pcap", "tx.pcap", "maps.json");
    assertSameFiles(
        outs[1], outs[2], "pass.pcap", "tx.pcap", "maps.json", "packets.jsonl", "packets.txt");
    assertEquals(
        Files.readString(outs[1].resolve("summary.json")).replaceAll("\"elapsed_ns\":\\d+", ""),
        Files.readString(outs[2].resolve("summary.json")).replaceAll("\"elapsed_ns\":\\d+", ""));
  }

  /**
   * xdp_counter races (two queues may both miss a key and insert it with BPF_NOEXIST, as in the
   * kernel); --serial runs packets in input order, so even it gives identical maps for 1 and 4
   * queues.
   */
  @Test
  void serialReplayIsIdenticalEvenForARacyProgram() throws Exception {
    Path[] outs = {tmp.resolve("s1"), tmp.resolve("s4"), tmp.resolve("s4b")};
    String[] queues = {"1", "4", "4"};
    for (int i = 0; i < 3; i++) {
      Outcome o =
          xdpemu(
              "run",
              example("xdp_counter.o"),
              "--pcap",
              pcap.toString(),
              "--out",
              outs[i].toString(),
              "--queues",
              queues[i],
              "--serial");
      assertEquals(0, o.code(), o.err());
    }
    assertSameFiles(outs[0], outs[1], "pass.pcap", "maps.json");
    assertSameFiles(outs[1], outs[2], "pass.pcap", "maps.json");
  }

  /** Some IPv4 sources of the generated capture, as blocklist entries (key = saddr on the wire). */
  static String blocklist() throws Exception {
    io.xdpemu.pcap.CaptureCursor c = io.xdpemu.pcap.Capture.open(pcap).cursor();
    java.util.Set<String> keys = new java.util.TreeSet<>();
    byte[] f = new byte[4096];
    while (c.next() && keys.size() < 20) {
      int n = io.xdpemu.pcap.EthernetFramer.frame(c, f, 0);
      if (n >= 34 && f[12] == 0x08 && f[13] == 0 && c.index() % 7 == 0) {
        keys.add(java.util.HexFormat.of().formatHex(f, 26, 30));
      }
    }
    return String.join(
        ",", keys.stream().map(k -> "{\"key\":\"" + k + "\",\"value\":\"01000000\"}").toList());
  }

  static void assertSameFiles(Path a, Path b, String... names) throws Exception {
    for (String f : names) {
      assertArrayEquals(
          Files.readAllBytes(a.resolve(f)),
          Files.readAllBytes(b.resolve(f)),
          f + ": " + a + " vs " + b);
    }
  }

  /**
   * The seed scenario: the CO-RE program on mynic v1, swapped to v2 at packet 200; the NIC writes
   * v1's 32-byte metadata before the swap and v2's 40 bytes after it.
   */
  @Test
  void firmwareSwapChangesTheMetadataLayoutAtThePacketIndex() throws Exception {
    Path out = tmp.resolve("swap-out");
    Outcome o =
        xdpemu(
            "run",
            example("seed/xdp_mynic.bpf.o"),
            "--pcap",
            pcap.toString(),
            "--firmware",
            example("firmware/mynic-v1.json"),
            "--swap-firmware",
            example("firmware/mynic-v2.json") + "@200",
            "--out",
            out.toString(),
            "--trace");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("Firmware swap at packet 200 to "), o.out());
    List<String> lines = Files.readAllLines(out.resolve("packets.jsonl"));
    java.util.regex.Pattern meta = java.util.regex.Pattern.compile("\"meta_in\":\"([0-9a-f]*)\"");
    for (int i = 0; i < lines.size(); i++) {
      java.util.regex.Matcher m = meta.matcher(lines.get(i));
      assertTrue(m.find());
      assertEquals(i < 200 ? 64 : 80, m.group(1).length(), "packet " + i);
    }
    assertTrue(Files.readString(out.resolve("summary.json")).contains("\"applied\":true"));
  }

  /** FILE@100us: the swap happens before the first packet captured 100 µs after the first one. */
  @Test
  void firmwareSwapAtATimeIntoTheCapture() throws Exception {
    io.xdpemu.pcap.CaptureCursor c = io.xdpemu.pcap.Capture.open(pcap).cursor();
    long first = -1;
    long expected = -1;
    while (c.next()) {
      first = first < 0 ? c.timestampNs() : first;
      if (c.timestampNs() - first >= 100_000) {
        expected = c.index();
        break;
      }
    }
    assertTrue(expected > 0);
    Path out = tmp.resolve("swap-time");
    Outcome o =
        xdpemu(
            "run",
            example("seed/xdp_mynic.bpf.o"),
            "--pcap",
            pcap.toString(),
            "--firmware",
            example("firmware/mynic-v1.json"),
            "--swap-firmware",
            example("firmware/mynic-v2.json") + "@100us",
            "--out",
            out.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(
        Files.readString(out.resolve("summary.json"))
            .contains("\"firmware_swaps\":[{\"index\":" + expected + ","),
        o.out());
  }

  @Test
  void programThatCannotLoadOnTheFirmwareIsRejectedWithExit1() {
    Outcome o =
        xdpemu(
            "run",
            example("seed/xdp_mynic.bpf.o"),
            "--prog",
            "xdp_mynic_unguarded",
            "--pcap",
            pcap.toString(),
            "--firmware",
            example("firmware/mynic-v1.json"));
    assertOneLineError(
        o,
        1,
        example("seed/xdp_mynic.bpf.o")
            + ": program 'xdp_mynic_unguarded' rejected by the verifier: insn #");
    assertTrue(o.err().contains("failed to resolve CO-RE relocation"), o.err());
  }

  /** Every capture of the shared tcpdump set replays end to end (pcapng, BE, ns, SLL, RAW). */
  @Test
  void everyTcpdumpCaptureReplaysThroughTheFirmwareNic() throws Exception {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "run",
                example("xdp_bounce.o"),
                "--firmware",
                example("firmware/mynic-v1.json"),
                "--out",
                tmp.resolve("tcpdump").toString()));
    long expected = 0;
    try (Stream<Path> s = Files.list(io.xdpemu.pcap.SharedSuites.tcpdumpCaptures())) {
      for (Path p : s.filter(p -> p.toString().matches(".*\\.pcap(ng)?$")).sorted().toList()) {
        args.add("--pcap");
        args.add(p.toString());
        expected += io.xdpemu.pcap.Capture.open(p).packetCount();
      }
    }
    Outcome o = xdpemu(args.toArray(String[]::new));
    assertEquals(0, o.code(), o.err());
    assertTrue(
        Files.readString(tmp.resolve("tcpdump/summary.json"))
            .startsWith("{\"packets\":" + expected + ","));
  }

  /**
   * Ring buffer and perf records (helpers_misc sends several per packet) are polled per packet with
   * --serial: at least one per packet, in the same order for 1 and 2 queues.
   */
  @Test
  void ringBufferRecordsGoToEventsJsonlInPacketOrder() throws Exception {
    Path[] outs = {tmp.resolve("ev1"), tmp.resolve("ev2"), tmp.resolve("ev2b")};
    String[] queues = {"1", "2", "2"};
    for (int i = 0; i < 3; i++) {
      Outcome o =
          xdpemu(
              "run",
              example("maps/helpers_misc.o"),
              "--pcap",
              pcap.toString(),
              "--out",
              outs[i].toString(),
              "--queues",
              queues[i],
              "--serial");
      assertEquals(0, o.code(), o.err());
    }
    List<String> lines = Files.readAllLines(outs[0].resolve("events.jsonl"));
    assertTrue(lines.size() >= 400, "records: " + lines.size());
    assertTrue(
        lines.stream()
            .allMatch(
                l ->
                    l.matches(
                        "\\{\"map\":\"\\w+\",\"type\":\"(ringbuf|perf_event_array)\",.*"
                            + "\"data\":\"[0-9a-f]*\"\\}")),
        lines.get(0));
    assertSameFiles(outs[1], outs[2], "events.jsonl");
    // Ring buffers are not per CPU: their records are the same whatever the queue count (perf
    // records carry the CPU, which is the queue).
    assertEquals(ringbuf(outs[0]), ringbuf(outs[1]));
  }

  static List<String> ringbuf(Path out) throws Exception {
    return Files.readAllLines(out.resolve("events.jsonl")).stream()
        .filter(l -> l.contains("\"type\":\"ringbuf\""))
        .toList();
  }

  @Test
  void testRunPrintsBpftoolsLineAndWritesOutputs() throws Exception {
    byte[] frame = new byte[60];
    frame[12] = 0x08;
    frame[14] = 0x45;
    Path in = Files.write(tmp.resolve("pkt.bin"), frame);
    Path dataOut = tmp.resolve("out.bin");
    Path mapsOut = tmp.resolve("maps-out.json");
    Outcome o =
        xdpemu(
            "test-run",
            example("xdp_counter.o"),
            "--data-in",
            in.toString(),
            "--repeat",
            "5",
            "--data-out",
            dataOut.toString(),
            "--maps-out",
            mapsOut.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().matches("Return value: 2, duration \\(average\\): \\d+ns\\n"), o.out());
    assertArrayEquals(frame, Files.readAllBytes(dataOut));
    // five runs counted under key 0.0.0.0 (the frame's IPv4 source)
    assertTrue(
        Files.readString(mapsOut).contains("\"key\":\"00000000\",\"value\":\"0500000000000000"),
        Files.readString(mapsOut));
  }

  @Test
  void verifyPrintsTheStatsLineLast() {
    Outcome o = xdpemu("verify", example("xdp_drop.o"));
    assertEquals(0, o.code(), o.err());
    List<String> lines = o.out().lines().toList();
    assertTrue(
        lines
            .get(lines.size() - 1)
            .matches(
                "processed \\d+ insns \\(limit 1000000\\) max_states_per_insn \\d+ total_states \\d+ "
                    + "peak_states \\d+ mark_read \\d+"),
        o.out());
  }
}
