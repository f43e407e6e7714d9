package io.xdpemu.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.cli.Main;
import io.xdpemu.ebpf.jackson.JsonFiles;
import io.xdpemu.ebpf.jackson.Located;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped mynic firmwares end to end: one CO-RE program (examples/firmware/xdp_hints.bpf.o)
 * runs unchanged on v1, v2 and the kernel-mode firmware and sees the same RSS hashes and timestamps
 * on each; a replay that swaps firmware mid-capture hands every packet the layout of the firmware
 * active for it; the seed program agrees with the running kernel for the metadata bytes of both
 * layouts.
 */
class NicFirmwareExamplesTest {
  private static final Path ROOT = KernelAssumptions.repoRoot();
  private static final String CAPTURE = ROOT.resolve("pcaps/mixed-1k.pcap").toString();

  private record Run(int code, String out, String err) {}

  private static Run xdpemu(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String fw(String name) {
    return ROOT.resolve("examples/firmware").resolve(name).toString();
  }

  /** The program's global {@code result} (.bss) after a run, as little-endian u64 words. */
  private static long[] bss(Path out, int words) throws Exception {
    Located maps = JsonFiles.read(out.resolve("maps.json")).asObject();
    String hex =
        maps.require(".bss")
            .asObject()
            .require("entries")
            .asArray()
            .get(0)
            .asObject()
            .require("value")
            .asString();
    ByteBuffer b =
        ByteBuffer.wrap(java.util.HexFormat.of().parseHex(hex)).order(ByteOrder.LITTLE_ENDIAN);
    long[] w = new long[words];
    for (int i = 0; i < words; i++) {
      w[i] = b.getLong(8 * i);
    }
    return w;
  }

  private static long[] runHints(Path out, String... extra) throws Exception {
    String[] base = {"run", fw("xdp_hints.bpf.o"), "--pcap", CAPTURE, "--out", out.toString()};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    Run r = xdpemu(args);
    assertEquals(0, r.code(), r.err());
    return bss(out, 7);
  }

  @Test
  void hintsProgramRunsUnchangedOnEveryFirmware(@TempDir Path tmp) throws Exception {
    long[] v1 = runHints(tmp.resolve("v1"), "--firmware", fw("mynic-v1.json"));
    long[] v2 = runHints(tmp.resolve("v2"), "--firmware", fw("mynic-v2.json"));
    long[] k = runHints(tmp.resolve("k"), "--firmware", fw("mynic-kernel.json"));
    // packets, from_meta, from_kfunc, no_hints, hash_sum, ts_sum, meta_size
    assertEquals(List.of(1000L, 1000L, 0L, 0L, 32L), List.of(v1[0], v1[1], v1[2], v1[3], v1[6]));
    assertEquals(List.of(1000L, 1000L, 0L, 0L, 40L), List.of(v2[0], v2[1], v2[2], v2[3], v2[6]));
    assertEquals(List.of(1000L, 0L, 1000L, 0L, 0L), List.of(k[0], k[1], k[2], k[3], k[6]));
    assertTrue(v1[4] != 0 && v1[5] != 0);
    assertEquals(v1[4], v2[4], "RSS hashes through v2's narrowed, moved field");
    assertEquals(v1[4], k[4], "RSS hashes through bpf_xdp_metadata_rx_hash");
    assertEquals(v1[5], v2[5]);
    assertEquals(v1[5], k[5]);
  }

  @Test
  void swapMidCaptureHandsEachPacketTheLayoutOfItsFirmware(@TempDir Path tmp) throws Exception {
    Path v1 = tmp.resolve("v1");
    long[] whole = runHints(v1, "--firmware", fw("mynic-v1.json"), "--trace");
    Path out = tmp.resolve("swap");
    long[] r =
        runHints(
            out,
            "--firmware",
            fw("mynic-v1.json"),
            "--trace",
            "--swap-firmware",
            fw("mynic-v2.json") + "@300",
            "--swap-firmware",
            fw("mynic-kernel.json") + "@700");
    assertEquals(1000, r[0]);
    assertEquals(700, r[1]); // v1 and v2 packets read data_meta
    assertEquals(300, r[2]); // kernel-mode packets asked the kfuncs
    assertEquals(whole[4], r[4], "the same hashes on both sides of each swap");
    assertEquals(whole[5], r[5]);
    long[] v1Hash = new long[1000];
    for (String line : Files.readAllLines(v1.resolve("packets.jsonl"))) {
      Located p = JsonFiles.parse(line, "packets.jsonl").asObject();
      v1Hash[(int) p.require("index").asLong()] = meta(p).getLong(8); // v1: __u64 hash @8
    }
    List<String> lines = Files.readAllLines(out.resolve("packets.jsonl"));
    assertEquals(1000, lines.size());
    for (String line : lines) {
      Located p = JsonFiles.parse(line, "packets.jsonl").asObject();
      int i = (int) p.require("index").asLong();
      ByteBuffer m = meta(p);
      int expected = i < 300 ? 32 : i < 700 ? 40 : 0;
      assertEquals(expected, m.limit(), "metadata length of packet " + i);
      if (expected == 32) {
        assertEquals(v1Hash[i], m.getLong(8), "v1 hash of packet " + i);
      } else if (expected == 40) {
        assertEquals(v1Hash[i], m.getInt(0) & 0xffffffffL, "v2 hash (__u32 @0) of packet " + i);
      }
    }
  }

  private static ByteBuffer meta(Located packet) {
    return ByteBuffer.wrap(java.util.HexFormat.of().parseHex(packet.require("meta_in").asString()))
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void seedProgramSeesV2AfterTheSwap(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("seed");
    Run r =
        xdpemu(
            "run",
            ROOT.resolve("examples/seed/xdp_mynic.bpf.o").toString(),
            "--prog",
            "xdp_mynic",
            "--firmware",
            fw("mynic-v1.json"),
            "--pcap",
            CAPTURE,
            "--out",
            out.toString(),
            "--swap-firmware",
            fw("mynic-v2.json") + "@500");
    assertEquals(0, r.code(), r.err());
    // struct seed_result: ..., meta_size @56, hash_size @64, has_flow_mark @72, ipv4_tcp_code @80,
    // probe_ret @88 (examples/seed/xdp_mynic.bpf.c)
    long[] w = bss(out, 12);
    assertEquals(40, w[7]);
    assertEquals(4, w[8]);
    assertEquals(1, w[9]);
    assertEquals(0x21, w[10]);
    assertEquals(0, w[11]);
  }

  @Test
  void seedProgramAgreesWithTheKernelOnBothLayouts() {
    KernelAssumptions.assumeKernelOracle();
    for (String f : List.of("mynic-v1.json", "mynic-v2.json")) {
      Run r =
          xdpemu(
              "diff",
              ROOT.resolve("examples/seed/xdp_mynic.bpf.o").toString(),
              "--prog",
              "xdp_mynic",
              "--firmware",
              fw(f),
              "--pcap",
              CAPTURE);
      assertEquals(0, r.code(), f + ": " + r.out() + r.err());
      assertTrue(r.out().contains("no mismatch"), r.out());
    }
  }
}
