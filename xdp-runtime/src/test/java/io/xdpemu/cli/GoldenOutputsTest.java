package io.xdpemu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every output of {@code xdpemu run --out DIR --trace} (summary.json, maps.json, every pcap,
 * packets.jsonl/txt, events.jsonl, the printed summary, exit code and error line) for the examples
 * over {@code pcaps/}, with and without firmware, on 1 and 3 queues, and a firmware swap, compared
 * with the digests in {@code golden-outputs.txt}, recorded from the code before the NIC was
 * restructured (issue 12: "outputs of every existing run stay byte-identical"). Only {@code
 * elapsed_ns} and the rates derived from it are masked.
 *
 * <p>After a deliberate change of an output, re-record with {@code -Dxdpemu.golden.record=PATH}
 * (the file to write) and say why in the commit.
 */
class GoldenOutputsTest {
  @TempDir Path tmp;

  static final String[] FIRMWARES = {
    null, "mynic-v1.json", "mynic-v2.json", "mynic-kernel.json",
  };

  static final String[] CORE =
      Stream.of("alu", "bounce", "calls", "counter", "drop", "meta", "pass")
          .map(n -> "xdp_" + n + ".o")
          .toArray(String[]::new);

  static final String[] MAPS = {
    "helpers_csum.o",
    "helpers_misc.o",
    "helpers_perf.o",
    "helpers_tailcall.o",
    "helpers_xdp.o",
    "maps_array.o",
    "maps_hash.o",
    "maps_in_maps.o",
    "maps_lpm.o",
    "maps_lru.o",
    "maps_queue.o",
    "maps_redirect.o",
  };

  @Test
  void outputsEqualTheRecordedOnes() throws Exception {
    String r = System.getProperty("xdpemu.root");
    Assumptions.assumeTrue(
        r != null && Files.isDirectory(Path.of(r, "examples")),
        "repository root with examples/ not found");
    Path root = Path.of(r);
    List<List<String>> cases = new ArrayList<>();
    for (String p : CORE) {
      for (String fw : FIRMWARES) {
        for (String q : new String[] {"1", "3"}) {
          cases.add(args(root, "examples/" + p, fw, q));
        }
      }
    }
    for (String p : MAPS) {
      for (String fw : new String[] {null, "mynic-v2.json"}) {
        for (String q : new String[] {"1", "3"}) {
          cases.add(args(root, "examples/maps/" + p, fw, q));
        }
      }
    }
    for (String p : List.of("examples/seed/xdp_mynic.bpf.o", "examples/firmware/xdp_hints.bpf.o")) {
      for (String fw : FIRMWARES) {
        for (String q : new String[] {"1", "3"}) {
          cases.add(args(root, p, fw, q));
        }
      }
    }
    for (String q : new String[] {"1", "4"}) {
      List<String> swap = args(root, "examples/seed/xdp_mynic.bpf.o", "mynic-v1.json", q);
      swap.add("--swap-firmware");
      swap.add(root.resolve("examples/firmware/mynic-v2.json") + "@500");
      cases.add(swap);
    }

    TreeMap<String, String> got = new TreeMap<>();
    int n = 0;
    for (List<String> c : cases) {
      String name = String.join(" ", c).replace(root + "/", "");
      Path out = tmp.resolve("run" + n++);
      List<String> argv = new ArrayList<>(List.of("run"));
      argv.addAll(c);
      argv.addAll(List.of("--out", out.toString(), "--trace"));
      ByteArrayOutputStream so = new ByteArrayOutputStream();
      ByteArrayOutputStream se = new ByteArrayOutputStream();
      int code =
          Main.run(
              argv.toArray(String[]::new),
              new PrintStream(so, true, StandardCharsets.UTF_8),
              new PrintStream(se, true, StandardCharsets.UTF_8));
      got.put(name + " :exit", Integer.toString(code));
      got.put(name + " :stdout", digest(mask(so.toString(StandardCharsets.UTF_8), out, root)));
      got.put(name + " :stderr", digest(mask(se.toString(StandardCharsets.UTF_8), out, root)));
      if (Files.isDirectory(out)) {
        try (Stream<Path> files = Files.list(out)) {
          for (Path f : files.sorted().toList()) {
            String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            if (f.getFileName().toString().equals("summary.json")) {
              text = mask(text, out, root);
            }
            got.put(name + " " + f.getFileName(), digest(text));
          }
        }
      }
    }
    StringBuilder b = new StringBuilder();
    got.forEach((k, v) -> b.append(k).append(" = ").append(v).append('\n'));
    String record = System.getProperty("xdpemu.golden.record");
    if (record != null) {
      Files.writeString(Path.of(record), b.toString());
      return;
    }
    String expected;
    try (var in = GoldenOutputsTest.class.getResourceAsStream("golden-outputs.txt")) {
      expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    TreeMap<String, String> want = new TreeMap<>();
    for (String line : expected.split("\n")) {
      int eq = line.lastIndexOf(" = ");
      if (eq > 0) {
        want.put(line.substring(0, eq), line.substring(eq + 3));
      }
    }
    List<String> differ = new ArrayList<>();
    for (String k : want.keySet()) {
      if (!want.get(k).equals(got.get(k))) {
        differ.add(k + ": " + want.get(k) + " -> " + got.get(k));
      }
    }
    for (String k : got.keySet()) {
      if (!want.containsKey(k)) {
        differ.add(k + ": (new) " + got.get(k));
      }
    }
    assertEquals(List.of(), differ, differ.size() + " outputs differ from golden-outputs.txt");
  }

  /**
   * Programs whose queues do not race on shared map entries: byte-identical on several queue
   * threads. The others race (as in the kernel) and run multi-queue with --serial.
   */
  static final List<String> RACE_FREE =
      Stream.of("alu", "bounce", "calls", "drop", "meta", "pass")
          .map(n -> "examples/xdp_" + n + ".o")
          .toList();

  private static List<String> args(Path root, String prog, String fw, String queues) {
    List<String> a = new ArrayList<>(List.of(root.resolve(prog).toString()));
    if (!queues.equals("1") && !RACE_FREE.contains(prog)) {
      a.add("--serial");
    }
    for (String p : List.of("mixed-1k.pcap", "ipv4-udp-256.pcap", "tunnels-200.pcap")) {
      a.add("--pcap");
      a.add(root.resolve("pcaps").resolve(p).toString());
    }
    if (fw != null) {
      a.add("--firmware");
      a.add(root.resolve("examples/firmware").resolve(fw).toString());
    }
    a.add("--queues");
    a.add(queues);
    return a;
  }

  /** Drops what depends on timing or on the temporary directory. */
  static String mask(String s, Path out, Path root) {
    return s.replace(out.toString(), "OUT")
        .replace(root + "/", "")
        .replaceAll("\"elapsed_ns\":\\d+", "\"elapsed_ns\":T")
        .replaceAll("(?m)^(XDP_\\w+\\s+[\\d,]+\\s+[\\d,]+)\\s+[\\d,]+\\s+[\\d.,]+$", "$1 RATE")
        .replaceAll("(?m)^(Duration|Average|Wall|Rate)[^\\n]*\\n", "");
  }

  static String digest(String s) throws NoSuchAlgorithmException {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    return HexFormat.of()
        .formatHex(md.digest(s.getBytes(StandardCharsets.ISO_8859_1)))
        .substring(0, 16);
  }
}
