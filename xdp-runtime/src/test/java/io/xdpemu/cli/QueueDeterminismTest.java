package io.xdpemu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queues that scale change nothing: a run whose queues are dealt to lanes (min(queues, cores)
 * threads, the replaying thread is lane 0; each lane steers every frame and runs its own queues'
 * frames) writes exactly the files of the same run on one thread ({@code --serial}: every frame
 * steered and run in input order on the reader thread, on its own queue's context), for programs
 * whose queues do not race on shared map entries. 3,200 frames make four batches; one case swaps
 * the firmware inside the second batch. {@code ReplayTest} deals four queues to 2, 3 and 4 lanes
 * whatever the machine's cores.
 */
class QueueDeterminismTest {
  @TempDir Path tmp;

  @Test
  void parallelQueuesWriteWhatOneThreadWrites() throws Exception {
    String r = System.getProperty("xdpemu.root");
    Assumptions.assumeTrue(
        r != null && Files.isDirectory(Path.of(r, "examples")),
        "repository root with examples/ not found");
    Path root = Path.of(r);
    Path pcap = tmp.resolve("gen.pcap");
    assertEquals(
        0,
        run("gen-pcap", "--out", pcap.toString(), "--count", "3000", "--seed", "12"),
        "gen-pcap");
    String[][] cases = {
      {"examples/xdp_drop.o", null, "2"},
      {"examples/xdp_bounce.o", "examples/firmware/mynic-v2.json", "4"},
      {"examples/xdp_calls.o", "examples/firmware/mynic-v1.json", "3"},
      {"examples/xdp_meta.o", "examples/firmware/mynic-kernel.json", "2"},
      // A hot swap inside the second batch: every queue changes firmware at that packet.
      {
        "examples/xdp_bounce.o",
        "examples/firmware/mynic-v1.json",
        "2",
        "examples/firmware/mynic-v2.json@1500"
      },
    };
    int n = 0;
    for (String[] c : cases) {
      TreeMap<String, String> parallel = null;
      for (boolean serial : new boolean[] {false, true}) {
        Path out = tmp.resolve("out" + n++);
        List<String> argv =
            new ArrayList<>(
                List.of(
                    "run",
                    root.resolve(c[0]).toString(),
                    "--pcap",
                    pcap.toString(),
                    "--pcap",
                    root.resolve("pcaps/tunnels-200.pcap").toString(),
                    "--queues",
                    c[2],
                    "--out",
                    out.toString(),
                    "--trace"));
        if (c[1] != null) {
          argv.add("--firmware");
          argv.add(root.resolve(c[1]).toString());
        }
        if (c.length > 3) {
          argv.add("--swap-firmware");
          argv.add(root.resolve(c[3]).toString());
        }
        if (serial) {
          argv.add("--serial");
        }
        assertEquals(0, run(argv.toArray(String[]::new)), String.join(" ", argv));
        TreeMap<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(out)) {
          for (Path f : s.toList()) {
            files.put(
                f.getFileName().toString(),
                GoldenOutputsTest.mask(
                    new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1), out, root));
          }
        }
        if (c.length > 3) {
          assertTrue(
              files.get("summary.json").contains("\"index\":1500,")
                  && files.get("summary.json").contains("\"applied\":true"),
              "swap applied at packet 1500: " + files.get("summary.json"));
        }
        if (parallel == null) {
          parallel = files;
        } else {
          assertEquals(parallel.keySet(), files.keySet(), c[0]);
          for (String name : files.keySet()) {
            assertEquals(parallel.get(name), files.get(name), c[0] + " " + name);
          }
        }
      }
    }
  }

  private static int run(String... args) {
    return Main.run(
        args,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }
}
