package io.xdpemu.cli;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.runtime.Attach;
import io.xdpemu.runtime.FirmwareSwap;
import io.xdpemu.runtime.LoadOptions;
import io.xdpemu.runtime.ProgressBar;
import io.xdpemu.runtime.Replay;
import io.xdpemu.runtime.ReplayRun;
import io.xdpemu.runtime.ReplayStats;
import io.xdpemu.runtime.RunFormats;
import io.xdpemu.runtime.SummaryReport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code xdpemu run PROG.o --pcap FILE [--pcap FILE ...] [--out DIR] [--queues N] [--trace]
 * [--swap-firmware FILE@N]}: replays captures through the NIC and the program and prints the
 * summary table (shared/docs/cli.md).
 */
@Command(
    name = "run",
    description = "Replay captures through the simulated NIC and the attached XDP program.")
final class RunCommand extends Subcommand {
  @Parameters(paramLabel = "PROG.o", description = "the BPF object (clang -target bpf)")
  String object;

  @Option(
      names = "--pcap",
      paramLabel = "FILE",
      description = "capture to replay (pcap or pcapng; repeatable)")
  List<String> pcaps = new ArrayList<>();

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "write summary.json, maps.json, per-action pcaps there")
  String outPath;

  @Option(
      names = "--queues",
      paramLabel = "N",
      description =
          "RX queues, run on min(queues, cores) threads, on one for captures over 8 MiB (default:"
              + " firmware's RSS queues, 1 without firmware)")
  Long queues;

  @Option(
      names = "--trace",
      description = "with --out: write packets.jsonl (every packet in and out)")
  boolean trace;

  @Option(
      names = "--report",
      description = "with --out: write report.html (charts of the replay, one self-contained file)")
  boolean report;

  @Option(
      names = "--swap-firmware",
      paramLabel = "FILE@N",
      description =
          "load firmware FILE before packet N (or FILE@T: T into the capture, e.g. 500us, 2ms,"
              + " 1.5s; repeatable)")
  List<String> swaps = new ArrayList<>();

  @Option(
      names = "--serial",
      description =
          "run packets one at a time in input order: identical results even for programs whose"
              + " queues race on shared maps")
  boolean serial;

  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    LoadOptions o = common.load(object);
    if (pcaps.isEmpty()) {
      throw new UsageException("'xdpemu run' needs at least one --pcap FILE");
    }
    List<Path> captures = new ArrayList<>();
    for (String p : pcaps) {
      captures.add(CommonOptions.readable(p, "capture"));
    }
    if (trace && outPath == null) {
      throw new UsageException("--trace writes packets.jsonl into --out DIR; give --out too");
    }
    if (report && outPath == null) {
      throw new UsageException("--report writes report.html into --out DIR; give --out too");
    }
    int n = queues == null ? 0 : (int) CommonOptions.inRange("--queues", queues, 1, 1024);
    Path outDir = outPath != null ? Path.of(outPath) : null;
    try (Attach attach = Attach.create(o, n)) {
      attach.loaded().object().warnings().forEach(w -> err.println("xdpemu: warning: " + w));
      return replay(attach, captures, outDir, out);
    }
  }

  private int replay(Attach attach, List<Path> captures, Path outDir, PrintStream out) {
    List<FirmwareSwap> swapAt = new ArrayList<>();
    for (String s : swaps) {
      swapAt.add(attach.swap(s));
    }
    ReplayStats stats =
        ReplayRun.run(
            attach.attachment(),
            attach.loaded()::newContext,
            attach.loaded().maps(),
            new ReplayRun.Options(
                captures,
                outDir,
                trace,
                swapAt,
                Replay.DEFAULT_BATCH,
                serial,
                attach.loaded().devices(),
                report ? RunFormats.of(attach).withReport() : RunFormats.of(attach)),
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
