package io.xdpemu.cli;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.runtime.Attach;
import io.xdpemu.runtime.FirmwareSwap;
import io.xdpemu.runtime.LoadOptions;
import io.xdpemu.runtime.ProgressBar;
import io.xdpemu.runtime.Replay;
import io.xdpemu.runtime.ReplayRun;
import io.xdpemu.runtime.ReplayStats;
import io.xdpemu.runtime.SummaryReport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code xdpemu run PROG.o --pcap FILE [--pcap FILE ...] [--out DIR] [--queues N] [--trace]
 * [--swap-firmware FILE@N]}: replays captures through the NIC and the program and prints the
 * summary table (shared/docs/cli.md).
 */
final class RunCommand implements Command {
  static final ArgParser PARSER =
      CommonOptions.register(
          new ArgParser(
                  "run",
                  "PROG.o --pcap FILE [--pcap FILE ...] [--out DIR] [--queues N]"
                      + " [--trace] [options]")
              .positional("PROG.o", "the BPF object (clang -target bpf)")
              .repeatable("--pcap", "FILE", "capture to replay (pcap or pcapng)")
              .option("--out", "DIR", "write summary.json, maps.json, per-action pcaps there")
              .option(
                  "--queues",
                  "N",
                  "RX queues, one thread each (default: firmware's RSS"
                      + " queues, 1 without firmware)")
              .flag("--trace", "with --out: write packets.jsonl (every packet in and out)")
              .repeatable(
                  "--swap-firmware",
                  "FILE@N",
                  "load firmware FILE before packet N (or"
                      + " FILE@T: T into the capture, e.g. 500us, 2ms, 1.5s)")
              .flag(
                  "--serial",
                  "run packets one at a time in input order: identical results"
                      + " even for programs whose queues race on shared maps"));

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) {
    ArgParser.Parsed a = PARSER.parse(args);
    if (a.has("--help")) {
      out.println(PARSER.help());
      return 0;
    }
    LoadOptions o = CommonOptions.from(a, a.positional(0));
    List<String> pcaps = a.all("--pcap");
    if (pcaps.isEmpty()) {
      throw new UsageException("'xdpemu run' needs at least one --pcap FILE");
    }
    List<Path> captures = new ArrayList<>();
    for (String p : pcaps) {
      captures.add(CommonOptions.readable(p, "capture"));
    }
    if (a.has("--trace") && !a.has("--out")) {
      throw new UsageException("--trace writes packets.jsonl into --out DIR; give --out too");
    }
    int queues = (int) a.getLong("--queues", 0, 1, 1024);
    Path outDir = a.has("--out") ? Path.of(a.get("--out")) : null;
    try (Attach attach = Attach.create(o, queues)) {
      attach.loaded().object().warnings().forEach(w -> err.println("xdpemu: warning: " + w));
      return replay(attach, a, captures, outDir, out);
    }
  }

  private static int replay(
      Attach attach, ArgParser.Parsed a, List<Path> captures, Path outDir, PrintStream out) {
    List<FirmwareSwap> swaps = new ArrayList<>();
    for (String s : a.all("--swap-firmware")) {
      swaps.add(attach.swap(s));
    }
    ReplayStats stats =
        ReplayRun.run(
            attach.attachment(),
            attach.loaded()::newContext,
            attach.loaded().maps(),
            new ReplayRun.Options(
                captures,
                outDir,
                a.has("--trace"),
                swaps,
                Replay.DEFAULT_BATCH,
                a.has("--serial"),
                attach.loaded().devices()),
            attach.loaded().describe(),
            ProgressBar.terminal() ? out : null);
    out.println(SummaryReport.table(stats, attach.loaded().describe(), attach.nic().describe()));
    if (outDir != null) {
      out.println("\nWrote " + outDir + "/{" + String.join(",", written(outDir)) + "}");
    }
    return 0;
  }

  /** The files now in {@code dir}, hidden temporaries excluded. */
  private static List<String> written(Path dir) {
    try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .toList();
    } catch (java.io.IOException e) {
      return List.of("?");
    }
  }
}
