package io.xdpemu.runtime;

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
      String mapsJson) {
    List<ReportPage.Swap> swaps =
        stats.swaps().stream()
            .map(w -> new ReportPage.Swap(w.index(), w.firmware(), w.applied(), w.reason()))
            .toList();
    return ReportPage.html("xdpemu replay report", summaryJson, report, swaps, verdicts, mapsJson);
  }
}
