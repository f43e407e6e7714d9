package io.xdpemu.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.ProgramRejectedException;
import io.xdpemu.oracle.KernelAssumptions;
import io.xdpemu.oracle.KernelOracle;
import io.xdpemu.oracle.MapContents;
import io.xdpemu.pcap.SharedSuites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 1: maps sized by user space get one documented size on both sides, and maps are
 * compared by what changed, so that a katran-sized array (33.5M elements) is compared in seconds.
 */
class DiffMapsTest {
  private static Path example(String name) {
    return KernelDiffTest.root().resolve("examples/diff/" + name);
  }

  private static String capture(String name) {
    return KernelDiffTest.root().resolve("pcaps/" + name).toString();
  }

  /**
   * The kernel refuses a map declared with max_entries 0; diff gives it {@link
   * KernelDiff#USER_SIZED_ENTRIES} on both sides, and lookups past that size fail on both alike
   * (the example returns XDP_TX for frames of 1024 bytes or more, XDP_PASS below).
   */
  @Test
  void mapsSizedByUserSpaceGetOneDocumentedSizeOnBothSides() {
    KernelAssumptions.assumeKernelOracle();
    Path obj = example("xdp_user_sized.o");
    assertThrows(
        ProgramRejectedException.class, () -> KernelOracle.open(obj, "xdp_user_sized", null));
    try (KernelOracle k =
        KernelOracle.open(obj, "xdp_user_sized", null, KernelDiff.USER_SIZED_ENTRIES)) {
      Map<String, MapContents> maps = k.maps();
      assertEquals(KernelDiff.USER_SIZED_ENTRIES, maps.get("rx_cnt").maxEntries());
      assertEquals(KernelDiff.USER_SIZED_ENTRIES, maps.get("by_length").maxEntries());
    }
    KernelDiffTest.Result r =
        KernelDiffTest.diff("diff", obj.toString(), "--pcap", capture("mixed-1k.pcap"));
    assertEquals(0, r.code(), r.out());
    assertEquals("1000 packets compared with the kernel: no mismatch", r.out().strip(), r.out());
  }

  /** xdp-tools' own objects (xdp-bench, xdp-trafficgen), when ../shared has them. */
  @Test
  void xdpToolsObjectsWithUserSizedMapsAreCompared() {
    KernelAssumptions.assumeKernelOracle();
    Path tools = SharedSuites.shared().resolve("realworld/objects/xdp-tools");
    for (String obj : List.of("xdp-bench/xdp_basic.bpf.o", "xdp-trafficgen/xdp_trafficgen.bpf.o")) {
      Path p = tools.resolve(obj);
      Assumptions.assumeTrue(Files.isRegularFile(p), p + " not found");
      KernelDiffTest.Result r =
          KernelDiffTest.diff("diff", p.toString(), "--pcap", capture("ipv4-udp-256.pcap"));
      assertEquals(0, r.code(), obj + ":\n" + r.out());
      assertEquals("256 packets compared with the kernel: no mismatch", r.out().strip(), r.out());
    }
  }

  /** A katran-sized array (33,554,944 elements): compared by the elements written. */
  @Test
  void aKatranSizedArrayIsComparedByWhatChanged() throws Exception {
    KernelAssumptions.assumeKernelOracle();
    KernelDiffTest.Result r =
        KernelDiffTest.diff(
            "diff", example("xdp_bigmap.o").toString(), "--pcap", capture("ipv4-udp-256.pcap"));
    assertEquals(0, r.code(), r.out());
    assertEquals("256 packets compared with the kernel: no mismatch", r.out().strip(), r.out());
  }

  /**
   * A change only the kernel made in a big array is found: after a packet when it is at an element
   * the emulator wrote, and after the last packet (the full scan) wherever it is.
   */
  @Test
  void aKernelOnlyChangeInABigArrayIsFound() throws Exception {
    KernelAssumptions.assumeKernelOracle();
    Path obj = example("xdp_bigmap.o");
    LoadOptions o = LoadOptions.of(obj);
    try (KernelOracle kernel = KernelOracle.open(obj, "xdp_bigmap", null)) {
      LoadPipeline.Loaded emu = LoadPipeline.load(o, kernel.possibleCpus(), TargetBtf.of(o));
      DiffMaps maps = new DiffMaps(emu, kernel);
      TestRun.Session session = new TestRun.Session(emu);
      byte[] frame = new byte[64];
      frame[0] = 5; // words 0..3 xor to 5: the program counts in element 5
      kernel.run(new byte[0], frame, 1);
      session.run(new byte[0], frame, 1);
      assertNull(maps.afterPacket());
      assertNull(maps.atEnd());

      kernel.update("ch_rings", le32(7_000_000), le32(9)); // an element nobody wrote here
      assertNull(maps.afterPacket(), "per packet: only the elements xdpemu holds");
      String end = maps.atEnd();
      assertNotNull(end);
      assertTrue(
          end.contains("map 'ch_rings' key c0cf6a00: kernel 09000000, xdpemu 00000000"), end);

      kernel.update("ch_rings", le32(5), le32(3)); // where xdpemu counted 1
      String after = maps.afterPacket();
      assertNotNull(after);
      assertTrue(after.contains("key 05000000: kernel 03000000, xdpemu 01000000"), after);
    }
  }

  /**
   * Maps user space cannot read as the program sees them are named as not compared, not reported as
   * mismatches: program arrays and maps of maps (the kernel shows object ids), queues, stacks and
   * ring buffers (reading consumes them).
   */
  @Test
  void mapsUserSpaceCannotReadAreNamedAsNotCompared() {
    KernelAssumptions.assumeKernelOracle();
    Map<String, String> expected =
        Map.of(
            "helpers_tailcall", "jmp (prog_array: the kernel shows object ids)",
            "maps_in_maps", "outer_arr (array_of_maps: the kernel shows object ids)",
            "maps_queue", "fifo (queue: not readable without consuming it)",
            "helpers_misc", "events (ringbuf: not readable without consuming it)");
    for (Map.Entry<String, String> e : expected.entrySet()) {
      KernelDiffTest.Result r =
          KernelDiffTest.diff(
              "diff",
              KernelDiffTest.root().resolve("examples/maps/" + e.getKey() + ".o").toString(),
              "--pcap",
              capture("ipv4-udp-256.pcap"));
      assertEquals(0, r.code(), e.getKey() + ":\n" + r.out());
      List<String> lines = r.out().strip().lines().toList();
      assertTrue(lines.get(0).startsWith("maps not compared: "), r.out());
      assertTrue(lines.get(0).contains(e.getValue()), r.out());
      assertEquals(
          "256 packets compared with the kernel: no mismatch",
          lines.get(lines.size() - 1),
          r.out());
    }
  }

  private static byte[] le32(int v) {
    return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
  }
}
