package io.xdpemu.ebpf.helpers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xdpemu.ebpf.elf.BpfObjectReader;
import io.xdpemu.ebpf.jackson.JsonFiles;
import io.xdpemu.ebpf.jackson.Located;
import io.xdpemu.ebpf.maps.MapDefinition;
import io.xdpemu.ebpf.maps.MapType;
import io.xdpemu.ebpf.testing.KernelTools;
import io.xdpemu.ebpf.testing.Prerequisites;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The kernel side of the map/helper comparison: loads every examples/maps object into the running
 * kernel ({@code bpftool prog load ... type xdp pinmaps}), runs it once on the golden input ({@code
 * bpftool prog run}), dumps its {@code results} map ({@code bpftool map dump -j}) and checks return
 * value, output frame and every recorded return code against examples/maps/expected/NAME.json,
 * which {@link KernelParityTest} holds the emulator to. Skips (with the reason) without root,
 * bpftool or bpffs; fails instead under XDPEMU_REQUIRE_KERNEL=1.
 */
class KernelExamplesTest {
  private static final Path BPFFS = Path.of("/sys/fs/bpf");

  @TestFactory
  Stream<DynamicTest> everyExampleRunsInTheKernelAsItsGoldenFileSays() throws IOException {
    Path dir = KernelParityTest.root().resolve("examples/maps/expected");
    List<Path> goldens = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(goldens::add);
    }
    List<String> sources = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir.getParent())) {
      s.map(p -> p.getFileName().toString())
          .filter(f -> f.endsWith(".c"))
          .map(f -> f.substring(0, f.length() - 2) + ".json")
          .sorted()
          .forEach(sources::add);
    }
    List<String> names = new ArrayList<>();
    goldens.forEach(g -> names.add(g.getFileName().toString()));
    assertEquals(sources, names, "every examples/maps/*.c has its expected/*.json and no other");
    return goldens.stream()
        .map(g -> DynamicTest.dynamicTest(g.getFileName().toString(), () -> runOne(g)));
  }

  /** A visible skip (or a failure in CI) when the factory's cases cannot run at all. */
  @Test
  void theKernelAndBpftoolAreThere() {
    requireKernel();
  }

  private static void requireKernel() {
    Prerequisites.need(
        Files.isDirectory(BPFFS) && Files.isWritable(BPFFS),
        "kernel comparison skipped: bpffs /sys/fs/bpf is not writable (needs root)");
    Prerequisites.need(
        KernelTools.onPath("bpftool"), "kernel comparison skipped: bpftool is not installed");
  }

  /**
   * Whether a golden's results depend on the number of possible CPUs: the kernel's LRU hash sizes
   * its per-CPU free lists by it (bpf_lru_list.c), so when it evicts does too. Every other example
   * records only return codes and this CPU's values, the same on any host.
   */
  private static boolean dependsOnCpuCount(Path obj) {
    for (MapDefinition m : BpfObjectReader.read(obj).maps()) {
      if (m.type() == MapType.LRU_HASH || m.type() == MapType.LRU_PERCPU_HASH) {
        return true;
      }
    }
    return false;
  }

  /** The number of possible CPUs (/sys/devices/system/cpu/possible, "0-N"). */
  static int possibleCpus() throws IOException {
    String s = Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim();
    int n = 0;
    for (String part : s.split(",")) {
      String[] r = part.split("-");
      n += r.length == 1 ? 1 : Integer.parseInt(r[1]) - Integer.parseInt(r[0]) + 1;
    }
    return n;
  }

  private static void runOne(Path golden) throws Exception {
    requireKernel();
    Located g = JsonFiles.read(golden).asObject();
    String name = g.get("program").asString();
    Path obj = KernelParityTest.root().resolve("examples/maps/" + name + ".o");
    int cpus = possibleCpus();
    Assumptions.assumeTrue(
        g.get("cpus").asInt() == cpus || !dependsOnCpuCount(obj),
        name
            + ": skipped, recorded with "
            + g.get("cpus").asInt()
            + " possible CPUs, this host has "
            + cpus
            + " (the kernel's LRU free lists are sized by it)");
    String tag = "xdpemu-test-" + name + "-" + ProcessHandle.current().pid();
    Path pin = BPFFS.resolve(tag);
    Path maps = BPFFS.resolve(tag + "-maps");
    Path in = Files.createTempFile("xdpemu-in", ".bin");
    Path out = Files.createTempFile("xdpemu-out", ".bin");
    try {
      Files.createDirectories(maps);
      Files.write(in, HexFormat.of().parseHex(g.get("data_in").asString()));
      KernelTools.exec(
          "bpftool",
          "prog",
          "load",
          obj.toString(),
          pin.toString(),
          "type",
          "xdp",
          "pinmaps",
          maps.toString());
      int retval = KernelTools.progRun(pin, in, out);
      assertEquals(g.get("retval").asInt(), retval, name + ": return value");
      assertEquals(
          g.get("data_out").asString(),
          HexFormat.of().formatHex(Files.readAllBytes(out)),
          name + ": output frame");
      Located dump =
          JsonFiles.parse(
              KernelTools.exec(
                  "bpftool", "map", "dump", "pinned", maps.resolve("results").toString(), "-j"),
              "bpftool map dump");
      long[] actual = new long[32];
      for (Located e : dump.asArray()) {
        int k = (int) le(e.asObject().get("key").asArray());
        if (k < 32) {
          actual[k] = le(e.asObject().get("value").asArray());
        }
      }
      assertArrayEquals(
          KernelParityTest.expectedResults(g), actual, name + ": recorded return codes");
    } finally {
      Files.deleteIfExists(pin);
      if (Files.isDirectory(maps)) {
        try (Stream<Path> s = Files.list(maps)) {
          for (Path p : (Iterable<Path>) s::iterator) {
            Files.deleteIfExists(p);
          }
        }
        Files.deleteIfExists(maps);
      }
      Files.deleteIfExists(in);
      Files.deleteIfExists(out);
    }
  }

  /** A little-endian value from bpftool's hex byte strings ("0x2a", ...), sign-extended from 64. */
  private static long le(Located bytes) {
    long v = 0;
    for (int i = bytes.size() - 1; i >= 0; i--) {
      v = (v << 8) | Long.parseLong(bytes.get(i).asString().substring(2), 16);
    }
    return v;
  }
}
