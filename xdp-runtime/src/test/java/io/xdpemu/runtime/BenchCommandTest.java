package io.xdpemu.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.jackson.JsonFiles;
import io.xdpemu.ebpf.jackson.Located;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code xdpemu bench} runs JMH in process on the user's object and capture (here the seed program
 * on mynic v2, two queues, interpreter) and reports per packet what JMH measured per pass: the
 * printed ns/packet is JMH's score divided by the packets of the capture, Mpps its inverse,
 * B/packet the GC profiler's bytes per pass divided likewise; JMH's JSON carries the user's
 * parameters. No timing is asserted (figures come from JMH runs, not tests): only that the numbers
 * are JMH's.
 */
class BenchCommandTest {
  @TempDir Path tmp;

  @Test
  void printsJmhsResultPerPacketAndWritesItsJson() throws Exception {
    // Other JMH runs on a shared machine hold /tmp/jmh.lock; no timing is asserted here.
    System.setProperty("jmh.ignoreLock", "true");
    Path pcap = tmp.resolve("small.pcap");
    FieldNamesInOutputsTest.xdpemu(
        "gen-pcap", "--out", pcap.toString(), "--count", "200", "--seed", "3");
    Path json = tmp.resolve("jmh.json");
    LayoutLabTest.Outcome o =
        LayoutLabTest.xdpemu(
            "bench",
            FieldNamesInOutputsTest.example("seed/xdp_mynic.bpf.o"),
            "--pcap",
            pcap.toString(),
            "--firmware",
            FieldNamesInOutputsTest.example("firmware/mynic-v2.json"),
            "--queues",
            "2",
            "--engine",
            "interp",
            "--warmup",
            "1",
            "--iterations",
            "2",
            "--time",
            "200ms",
            "--json-out",
            json.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().startsWith("200 packets per pass; JMH: 1 warm-up + 2 measured"), o.out());
    double mpps = number(o.out(), "Mpps");
    double ns = number(o.out(), "ns/packet");
    double bytes = number(o.out(), "B/packet");
    assertTrue(mpps > 0 && ns > 0 && bytes >= 0, o.out());
    assertEquals(1000 / ns, mpps, mpps * 0.002, "Mpps is the inverse of ns/packet");

    Located r = JsonFiles.read(json).get(0);
    assertEquals("io.xdpemu.runtime.bench.UserReplayBenchmark.pass", r.get("benchmark").asString());
    assertEquals(0, r.get("forks").asInt(), "in process");
    assertEquals("2", r.get("params").get("queues").asString());
    assertEquals("interp", r.get("params").get("engine").asString());
    assertTrue(r.get("params").get("firmware").asString().endsWith("mynic-v2.json"));
    double perPass = Double.parseDouble(r.get("primaryMetric").get("score").describe());
    assertEquals(perPass / 200, ns, ns * 0.001, "ns/packet = JMH's ns/op / packets");
    double alloc =
        Double.parseDouble(
            r.get("secondaryMetrics").get("gc.alloc.rate.norm").get("score").describe());
    assertEquals(alloc / 200, bytes, 0.006, "B/packet = gc.alloc.rate.norm / packets");
    assertTrue(Files.size(json) > 100);
  }

  @Test
  void aBadDurationIsAUsageError() {
    LayoutLabTest.Outcome o =
        LayoutLabTest.xdpemu(
            "bench",
            FieldNamesInOutputsTest.example("xdp_drop.o"),
            "--pcap",
            FieldNamesInOutputsTest.example("../pcaps/mixed-1k.pcap"),
            "--time",
            "soon");
    assertEquals(2, o.code(), o.err());
  }

  static double number(String out, String label) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(label) + " +([0-9.,]+)").matcher(out);
    assertTrue(m.find(), label + " in\n" + out);
    return Double.parseDouble(m.group(1).replace(",", ""));
  }
}
