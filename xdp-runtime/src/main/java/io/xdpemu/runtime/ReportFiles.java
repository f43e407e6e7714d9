package io.xdpemu.runtime;

import io.xdpemu.ebpf.json.JsonArray;
import io.xdpemu.ebpf.json.JsonNumber;
import io.xdpemu.ebpf.json.JsonObject;
import io.xdpemu.ebpf.json.JsonValue;
import io.xdpemu.ebpf.json.JsonWriter;
import io.xdpemu.runtime.report.ReplayReport;
import io.xdpemu.runtime.report.ReportPage;
import java.util.List;

/**
 * The glue between a run's outputs and {@link ReportPage}: the swaps as summary.json lists them,
 * and the maps as maps.json shows them but with at most {@link #MAP_ENTRIES} entries each (a
 * million-entry hash map stays in maps.json; the page says how many there are).
 */
final class ReportFiles {
  static final int MAP_ENTRIES = 100;

  private ReportFiles() {}

  static String page(
      String summaryJson,
      ReplayReport report,
      ReplayStats stats,
      List<ReportPage.Verdict> verdicts,
      JsonObject maps) {
    List<ReportPage.Swap> swaps =
        stats.swaps().stream()
            .map(w -> new ReportPage.Swap(w.index(), w.firmware(), w.applied(), w.reason()))
            .toList();
    return ReportPage.html(
        "xdpemu replay report", summaryJson, report, swaps, verdicts, trimmed(maps));
  }

  private static String trimmed(JsonObject maps) {
    if (maps == null) {
      return "{}";
    }
    JsonObject.Builder root = JsonObject.builder();
    for (String name : maps.keys()) {
      JsonObject m = maps.get(name).asObject();
      JsonObject.Builder b = JsonObject.builder();
      for (String k : m.keys()) {
        b.put(k, m.get(k));
      }
      JsonArray entries = m.get("entries").asArray();
      if (entries.size() > MAP_ENTRIES) {
        List<JsonValue> first = new java.util.ArrayList<>();
        for (int i = 0; i < MAP_ENTRIES; i++) {
          first.add(entries.get(i));
        }
        b.put("entries", JsonArray.of(first));
      }
      b.put("entries_total", JsonNumber.of(entries.size()));
      root.put(name, b.build());
    }
    return JsonWriter.compact(root.build());
  }
}
