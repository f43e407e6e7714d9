package io.xdpemu.runtime.report;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.PtypeRule;
import io.xdpemu.runtime.XdpAction;
import io.xdpemu.verifier.VerifierResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code report.html}: one self-contained file - the data as JSON in a script element, uPlot's
 * JavaScript and CSS (from its WebJar on the class path, put there by the build: nothing is fetched
 * when the page opens) and the page's own script and style inlined. The script draws the charts
 * from the aggregated arrays and fills the tables; when it is done the status line says how many
 * charts it drew (what the browser test waits for).
 */
public final class ReportPage {
  static final String UPLOT = "META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";

  private ReportPage() {}

  /** A verifier verdict with what it was for ("load", "swap to mynic-v2.json"). */
  public record Verdict(String label, VerifierResult result) {}

  /** A firmware swap as summary.json lists it. */
  public record Swap(long index, String firmware, boolean applied, String reason) {}

  /**
   * The page.
   *
   * @param summaryJson summary.json's text, shown as it is (the page's numbers are its numbers)
   * @param mapsJson the maps as maps.json shows them (trimmed to a bounded number of entries)
   */
  public static String html(
      String title,
      String summaryJson,
      ReplayReport r,
      List<Swap> swaps,
      List<Verdict> verdicts,
      String mapsJson) {
    String data = data(title, summaryJson, r, swaps, verdicts, mapsJson);
    StringBuilder h = new StringBuilder(data.length() + 80_000);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    h.append("<title>").append(escape(title)).append("</title>\n");
    h.append("<style>\n").append(resource(UPLOT + "uPlot.min.css")).append("\n");
    h.append(resource("io/xdpemu/runtime/report/report.css")).append("</style>\n</head>\n<body>\n");
    h.append("<h1>").append(escape(title)).append("</h1>\n");
    h.append("<p id=\"status\">rendering…</p>\n<main id=\"report\"></main>\n");
    h.append("<script type=\"application/json\" id=\"report-data\">").append(data);
    h.append("</script>\n<script>\n").append(resource(UPLOT + "uPlot.iife.min.js"));
    h.append("\n</script>\n<script>\n").append(resource("io/xdpemu/runtime/report/report.js"));
    h.append("\n</script>\n</body></html>\n");
    return h.toString();
  }

  static String data(
      String title,
      String summaryJson,
      ReplayReport r,
      List<Swap> swaps,
      List<Verdict> verdicts,
      String mapsJson) {
    JsonText j = new JsonText().open('{');
    j.key("title").value(title);
    j.key("summary").raw(summaryJson.strip());
    j.key("actions").open('[');
    for (int a = 0; a < XdpAction.COUNT; a++) {
      j.value(XdpAction.name(a));
    }
    j.close(']');
    time(j, r);
    j.key("firmware_changes").open('[');
    for (ReplayReport.FirmwareChange c : r.changes) {
      j.open('{').key("index").value(c.index());
      j.key("time_s").value((c.timestampNs() - r.actions.startNs()) / 1e9);
      j.key("firmware").value(c.firmware().toString()).close('}');
    }
    j.close(']');
    j.key("swaps").open('[');
    for (Swap s : swaps) {
      j.open('{').key("index").value(s.index()).key("firmware").value(s.firmware());
      j.key("applied").value(s.applied()).key("reason").value(s.reason()).close('}');
    }
    j.close(']');
    j.key("sizes").open('{').key("labels").open('[');
    for (String l : ReplayReport.SIZE_LABELS) {
      j.value(l);
    }
    j.close(']').key("counts").open('[');
    for (long c : r.sizes) {
      j.value(c);
    }
    j.close(']').close('}');
    ptypes(j, r);
    metadata(j, r);
    j.key("verifier").open('[');
    for (Verdict v : verdicts) {
      VerifierResult x = v.result();
      j.open('{').key("label").value(v.label()).key("accepted").value(x.accepted());
      j.key("insn_processed").value(x.insnProcessed());
      j.key("max_states_per_insn").value(x.maxStatesPerInsn());
      j.key("total_states").value(x.totalStates()).key("peak_states").value(x.peakStates());
      j.key("time_us").value(x.verificationTimeNanos() / 1000);
      j.key("stack_depth").value(x.stackDepth()).close('}');
    }
    j.close(']');
    j.key("maps").raw(mapsJson == null || mapsJson.isBlank() ? "{}" : mapsJson.strip());
    return j.close('}').toString();
  }

  private static void time(JsonText j, ReplayReport r) {
    TimeSeries t = r.actions;
    j.key("time").open('{');
    j.key("start_ns").value(t.startNs()).key("width_ns").value(t.widthNs());
    j.key("bins").value(t.bins());
    j.key("actions").open('[');
    for (int a = 0; a <= XdpAction.COUNT; a++) { // the last column: bytes
      j.open('[');
      for (int b = 0; b < t.bins(); b++) {
        j.value(t.count(b, a));
      }
      j.close(']');
    }
    j.close(']').key("queues").open('[');
    for (int q = 0; q < r.queues(); q++) {
      j.open('[');
      for (int b = 0; b < t.bins(); b++) {
        j.value(b < r.perQueue.bins() ? r.perQueue.count(b, q) : 0);
      }
      j.close(']');
    }
    j.close(']').close('}');
  }

  /**
   * Verdicts by packet type, one row per type name: firmware versions number their types
   * differently, the names say what the parser found ("ipv4_tcp").
   */
  private static void ptypes(JsonText j, ReplayReport r) {
    PtypeVerdicts p = r.ptypes;
    java.util.Map<String, long[]> counts = new java.util.LinkedHashMap<>();
    java.util.Map<String, java.util.TreeSet<Long>> values = new java.util.HashMap<>();
    for (int i = 0; i < p.used + (p.overflow ? 1 : 0); i++) {
      boolean other = i == p.used;
      int row = other ? PtypeVerdicts.MAX_TYPES - 1 : i;
      long key = p.ptypes[row];
      String name = other ? "other" : ptypeName(r.metadata.get((int) (key >>> 48)).firmware, key);
      long[] c = counts.computeIfAbsent(name, n -> new long[XdpAction.COUNT]);
      for (int a = 0; a < XdpAction.COUNT; a++) {
        c[a] += p.counts[row][a];
      }
      if (!other) {
        values.computeIfAbsent(name, n -> new java.util.TreeSet<>()).add(key & 0xffff_ffff_ffffL);
      }
    }
    j.key("ptypes").open('[');
    for (var e : counts.entrySet()) {
      j.open('{').key("name").value(e.getKey()).key("ptypes").open('[');
      for (long v : values.getOrDefault(e.getKey(), new java.util.TreeSet<>())) {
        j.value(v);
      }
      j.close(']').key("counts").open('[');
      for (long c : e.getValue()) {
        j.value(c);
      }
      j.close(']').close('}');
    }
    j.close(']');
  }

  /** The name of {@code fw}'s rule for {@code ptype} ("ipv4_tcp"), or its hex value. */
  private static String ptypeName(Firmware fw, long key) {
    long ptype = key & 0xffff_ffff_ffffL;
    for (PtypeRule rule : fw.ptypes()) {
      if (rule.ptype() == ptype) {
        return rule.name();
      }
    }
    if (fw.defaultPtype() == ptype && fw.defaultPtypeName() != null) {
      return fw.defaultPtypeName();
    }
    return "0x" + Long.toHexString(ptype);
  }

  private static void metadata(JsonText j, ReplayReport r) {
    j.key("metadata").open('[');
    for (MetadataFields m : r.metadata) {
      j.open('{').key("firmware").value(m.firmware.toString()).key("size").value(m.size);
      j.key("fields").open('[');
      for (int i = 0; i < m.fields.size(); i++) {
        ValueDistribution d = m.distributions[i];
        j.open('{').key("name").value(m.fields.get(i).path()).key("exact").value(d.exact());
        JsonText labels = new JsonText().open('[');
        JsonText counts = new JsonText().open('[');
        d.forEach(
            (label, count) -> {
              labels.value(label);
              counts.value(count);
            });
        j.key("labels").raw(labels.close(']').toString());
        j.key("counts").raw(counts.close(']').toString()).close('}');
      }
      j.close(']').close('}');
    }
    j.close(']');
  }

  static String resource(String name) {
    try (InputStream in = ReportPage.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource missing from the build: " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** uPlot's version, from the WebJar's own pom.properties. */
  private static String uplotVersion() {
    try (InputStream in =
        ReportPage.class
            .getClassLoader()
            .getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("uPlot's WebJar is missing from the class path");
      }
      java.util.Properties p = new java.util.Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
