package io.xdpemu.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.xdpemu.ebpf.jackson.JsonFiles;
import io.xdpemu.ebpf.jackson.Located;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html in a real browser: headless Chromium loads the page of the seed scenario (two
 * firmware versions, four queues), runs its script, and the DOM it leaves must hold every chart
 * drawn (a canvas each, no script error) and the numbers of summary.json - the summary tables and
 * the totals of the charted series alike. Skips without chromium, fails instead under {@code
 * XDPEMU_REQUIRE_TOOLS=1}.
 */
class ReportInBrowserTest {
  @TempDir static Path tmp;
  static Path out;

  @BeforeAll
  static void seedRunWithReport() {
    Path pcap = tmp.resolve("mixed.pcap");
    FieldNamesInOutputsTest.xdpemu(
        "gen-pcap", "--out", pcap.toString(), "--count", "600", "--seed", "7");
    out = tmp.resolve("seed");
    FieldNamesInOutputsTest.xdpemu(
        "run",
        FieldNamesInOutputsTest.example("seed/xdp_mynic.bpf.o"),
        "--pcap",
        pcap.toString(),
        "--firmware",
        FieldNamesInOutputsTest.example("firmware/mynic-v1.json"),
        "--swap-firmware",
        FieldNamesInOutputsTest.example("firmware/mynic-v2.json") + "@300",
        "--out",
        out.toString(),
        "--report");
  }

  static Path chromium() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path p = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    if ("1".equals(System.getenv("XDPEMU_REQUIRE_TOOLS"))) {
      fail("XDPEMU_REQUIRE_TOOLS=1 but chromium is not on PATH");
    }
    Assumptions.abort("chromium is not on PATH: the report's browser test cannot run");
    return null;
  }

  /** The DOM after the page's scripts ran (--virtual-time-budget lets them finish). */
  static String dom(Path chromium, Path page) throws Exception {
    Path profile = Files.createTempDirectory(tmp, "chromium-profile");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                chromium.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--window-size=1200,900",
                "--virtual-time-budget=10000",
                "--dump-dom",
                page.toUri().toString()));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("chromium did not finish");
    }
    return dom;
  }

  @Test
  void chartsRenderAndTheNumbersAreSummaryJsons() throws Exception {
    Path chromium = chromium();
    String dom = dom(chromium, out.resolve("report.html"));
    Matcher status = Pattern.compile("<p id=\"status\"([^>]*)>([^<]*)</p>").matcher(dom);
    assertTrue(status.find(), "no status line in the DOM:\n" + dom.substring(0, 2000));
    assertFalse(status.group(1).contains("data-error"), status.group(2));
    // 3 time charts, sizes, packet types, and one per metadata field: v1 has 3 scalars (its
    // pointer is left out), v2 has 6 plus the union members' 2 (ipv4) and 3 (ipv6).
    assertEquals("rendered 19 charts", status.group(2));
    assertEquals(19, count(dom, "<canvas"), "a canvas per chart");
    assertEquals(19, count(dom, "class=\"chart\""));

    Located s = JsonFiles.read(out.resolve("summary.json")).asObject();
    assertEquals(s.get("packets").asLong(), shown(dom, "n-packets"));
    assertEquals(s.get("bytes").asLong(), shown(dom, "n-bytes"));
    Located verdicts = s.get("verdicts").asObject();
    for (String a : verdicts.keys()) {
      assertEquals(verdicts.get(a).asLong(), shown(dom, "n-" + a), a);
      assertEquals(verdicts.get(a).asLong(), shown(dom, "t-" + a), a + " over time");
      assertEquals(
          s.get("verdict_bytes").asObject().get(a).asLong(), shown(dom, "b-" + a), a + " bytes");
    }
    for (Located q : s.get("queues").asArray()) {
      long n = q.asObject().get("queue").asLong();
      assertEquals(q.asObject().get("packets").asLong(), shown(dom, "q-" + n));
      assertEquals(q.asObject().get("packets").asLong(), shown(dom, "tq-" + n), "queue over time");
      assertEquals(q.asObject().get("bytes").asLong(), shown(dom, "qb-" + n));
    }
    assertEquals(s.get("packets").asLong(), shown(dom, "size-total"));
    long byType = 0;
    Matcher pt = Pattern.compile("id=\"pt-[^\"]*\"[^>]*>([0-9,]+)<").matcher(dom);
    while (pt.find()) {
      byType += Long.parseLong(pt.group(1).replace(",", ""));
    }
    assertEquals(s.get("packets").asLong(), byType, "verdicts by packet type add up");
    assertTrue(dom.contains("examples/firmware/mynic-v2.json"), "the swap is listed");
    assertTrue(dom.contains("struct") || dom.contains("result"), "the maps are shown");
  }

  @Test
  void thePageIsSelfContained() throws Exception {
    String html = Files.readString(out.resolve("report.html"));
    assertFalse(html.contains("<script src"), "a script is loaded from elsewhere");
    assertFalse(html.contains("<link"), "a stylesheet is loaded from elsewhere");
    assertFalse(Pattern.compile("url\\(\\s*['\"]?https?:").matcher(html).find());
    assertTrue(html.contains("uPlot"), "uPlot is inlined");
  }

  /** Aggregated in Java: the page of 30,000 packets is no larger than that of 600, give or take. */
  @Test
  void thePageDoesNotGrowWithTheCapture() throws Exception {
    Path pcap = tmp.resolve("big.pcap");
    FieldNamesInOutputsTest.xdpemu(
        "gen-pcap", "--out", pcap.toString(), "--count", "30000", "--seed", "8");
    Path big = tmp.resolve("big");
    FieldNamesInOutputsTest.xdpemu(
        "run",
        FieldNamesInOutputsTest.example("xdp_drop.o"),
        "--pcap",
        pcap.toString(),
        "--firmware",
        FieldNamesInOutputsTest.example("firmware/mynic-v2.json"),
        "--out",
        big.toString(),
        "--report");
    long size = Files.size(big.resolve("report.html"));
    long small = Files.size(out.resolve("report.html"));
    assertTrue(size < small + 20_000, "report.html: " + size + " bytes vs " + small);
    Path chromium = chromium();
    String dom = dom(chromium, big.resolve("report.html"));
    assertTrue(dom.contains("rendered 16 charts"), dom.substring(0, Math.min(3000, dom.length())));
    Located s = JsonFiles.read(big.resolve("summary.json")).asObject();
    assertEquals(30000, s.get("packets").asLong());
    assertEquals(30000, shown(dom, "size-total"));
  }

  static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  /** The number an element with this id shows (its text, thousands separators removed). */
  static long shown(String dom, String id) {
    Matcher m = Pattern.compile("id=\"" + Pattern.quote(id) + "\"[^>]*>([^<]*)<").matcher(dom);
    assertTrue(m.find(), "no element " + id);
    return Long.parseLong(m.group(1).replace(",", ""));
  }
}
