package io.xdpemu.runtime;

import com.fasterxml.jackson.core.JsonGenerator;
import io.xdpemu.ebpf.jackson.JsonOut;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * {@code summary.json} and the terminal summary table of a replay.
 *
 * <p>summary.json holds the contract's keys first ({@code packets}, {@code bytes}, {@code
 * verdicts}, {@code queues}, {@code elapsed_ns}), then {@code verdict_bytes}, {@code
 * redirect_errors}, {@code invalid_actions}, {@code aborts} (the first {@value
 * ReplayStats#MAX_ABORTS_KEPT} aborted packets with pc and reason), {@code firmware_swaps}, {@code
 * program}, {@code nic} and {@code captures}. Every value except {@code elapsed_ns} depends only on
 * the inputs.
 *
 * <p>The table follows xdp-bench and xdp-tutorial's xdp_stats: per action packets, bytes and pps,
 * then per RX queue.
 */
public final class SummaryReport {
  private SummaryReport() {}

  public static String json(ReplayStats s, String program, String nic, List<String> captures) {
    return JsonOut.compact(g -> write(g, s, program, nic, captures)) + "\n";
  }

  private static void write(
      JsonGenerator g, ReplayStats s, String program, String nic, List<String> captures)
      throws IOException {
    g.writeStartObject();
    g.writeNumberField("packets", s.packets);
    g.writeNumberField("bytes", s.bytes);
    perAction(g, "verdicts", s.actionPackets);
    g.writeArrayFieldStart("queues");
    for (int q = 0; q < s.queues(); q++) {
      g.writeStartObject();
      g.writeNumberField("queue", q);
      g.writeNumberField("packets", s.queuePackets[q]);
      g.writeNumberField("bytes", s.queueBytes[q]);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeNumberField("elapsed_ns", s.elapsedNs);
    perAction(g, "verdict_bytes", s.actionBytes);
    g.writeNumberField("redirect_errors", s.redirectErrors);
    g.writeNumberField("invalid_actions", s.invalidActions);
    g.writeNumberField("nic_drops", s.nicDrops);
    g.writeArrayFieldStart("aborts");
    for (ReplayStats.Abort a : s.firstAborts) {
      g.writeStartObject();
      g.writeNumberField("index", a.index());
      g.writeNumberField("pc", a.pc());
      g.writeStringField("reason", a.reason() == null ? "" : a.reason());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("firmware_swaps");
    for (ReplayStats.Swap w : s.swaps) {
      g.writeStartObject();
      g.writeNumberField("index", w.index());
      g.writeStringField("firmware", w.firmware());
      g.writeBooleanField("applied", w.applied());
      if (w.reason() != null) {
        g.writeStringField("reason", w.reason());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeStringField("program", program);
    g.writeStringField("nic", nic);
    g.writeArrayFieldStart("captures");
    for (String c : captures) {
      g.writeString(c);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void perAction(JsonGenerator g, String name, long[] perAction) throws IOException {
    g.writeObjectFieldStart(name);
    for (int a = 0; a < XdpAction.COUNT; a++) {
      g.writeNumberField(XdpAction.name(a), perAction[a]);
    }
    g.writeEndObject();
  }

  /**
   * Time since the command started, for the summary's wall-time line: the rate lines cover the
   * replay alone ({@code Duration}), this one everything the command cost (JVM start, loading,
   * verification, the replay and writing the outputs up to the summary).
   */
  static String wallTime() {
    return String.format(
        Locale.ROOT,
        "%.3fs (with JVM start, loading and outputs)",
        java.time.Duration.between(commandStart(), java.time.Instant.now()).toNanos() / 1e9);
  }

  /** Set by the {@code xdpemu} launcher: when it started (or finished building), microseconds. */
  static final String LAUNCHED_PROPERTY = "xdpemu.launchedMicros";

  /**
   * When the command started: the launcher's clock reading ({@link #LAUNCHED_PROPERTY}, taken
   * before the JVM starts, so the JVM's start counts), else the JVM's own record of its start (a
   * plain {@code java -jar}). Not {@code ProcessHandle}'s start instant: Linux gives a process's
   * start in ticks since boot, and the boot time only in whole seconds (/proc/stat btime), so that
   * instant is up to a second early - on one boot here every wall time read 0.26 s too long.
   */
  static java.time.Instant commandStart() {
    String launched = System.getProperty(LAUNCHED_PROPERTY);
    if (launched != null && launched.matches("[0-9]{1,18}")) {
      return java.time.Instant.EPOCH.plus(
          Long.parseLong(launched), java.time.temporal.ChronoUnit.MICROS);
    }
    return java.time.Instant.ofEpochMilli(
        java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());
  }

  /** The human summary printed at the end of {@code xdpemu run}. */
  public static String table(ReplayStats s, String program, String nic) {
    StringBuilder b = new StringBuilder();
    double secs = s.elapsedNs / 1e9;
    b.append(String.format(Locale.ROOT, "Program          : %s%n", program));
    b.append(
        String.format(
            Locale.ROOT,
            "NIC              : %s, %d RX queue%s%n",
            nic,
            s.queues(),
            s.queues() == 1 ? "" : "s"));
    b.append(String.format(Locale.ROOT, "Duration         : %.3fs%n", secs));
    b.append(String.format(Locale.ROOT, "Wall time        : %s%n", wallTime()));
    b.append(
        String.format(Locale.ROOT, "Packets received : %,d (%,d bytes)%n", s.packets, s.bytes));
    b.append(String.format(Locale.ROOT, "Average packets/s: %,.0f%n", s.pps()));
    b.append(
        String.format(
            Locale.ROOT,
            "%n%-13s %12s %14s %14s %10s%n",
            "XDP-action",
            "packets",
            "bytes",
            "pps",
            "Mbit/s"));
    for (int a = 0; a < XdpAction.COUNT; a++) {
      double pps = secs > 0 ? s.actionPackets[a] / secs : 0;
      double mbit = secs > 0 ? s.actionBytes[a] * 8 / secs / 1e6 : 0;
      b.append(
          String.format(
              Locale.ROOT,
              "%-13s %,12d %,14d %,14.0f %10.1f%n",
              XdpAction.name(a),
              s.actionPackets[a],
              s.actionBytes[a],
              pps,
              mbit));
    }
    b.append(String.format(Locale.ROOT, "%n%-13s %12s %14s%n", "rx-queue", "packets", "bytes"));
    for (int q = 0; q < s.queues(); q++) {
      b.append(
          String.format(Locale.ROOT, "%-13d %,12d %,14d%n", q, s.queuePackets[q], s.queueBytes[q]));
    }
    if (s.redirectErrors > 0) {
      b.append(
          String.format(
              Locale.ROOT, "%nRedirect errors  : %,d (frames dropped)%n", s.redirectErrors));
    }
    if (s.nicDrops > 0) {
      b.append(
          String.format(
              Locale.ROOT, "%nDropped by NIC   : %,d (frame larger than a buffer)%n", s.nicDrops));
    }
    if (s.aborts > 0) {
      b.append(String.format(Locale.ROOT, "%nAborted          : %,d", s.aborts));
      if (s.invalidActions > 0) {
        b.append(String.format(Locale.ROOT, " (%,d invalid actions)", s.invalidActions));
      }
      ReplayStats.Abort first = s.firstAborts.get(0);
      b.append(
          String.format(Locale.ROOT, "; first: packet %d: %s%n", first.index(), first.reason()));
    }
    for (ReplayStats.Swap w : s.swaps) {
      b.append(
          String.format(
              Locale.ROOT,
              "%nFirmware swap at packet %d%s to %s: %s%n",
              w.index(),
              // due at a later packet or time than the input reached: done once it ended
              w.index() >= s.packets ? " (after the last packet)" : "",
              w.firmware(),
              w.applied() ? "applied" : "refused (" + w.reason() + ")"));
    }
    return b.toString().stripTrailing();
  }
}
