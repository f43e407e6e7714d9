package io.xdpemu.runtime;

import io.xdpemu.ebpf.maps.MapEvents;
import io.xdpemu.ebpf.maps.MapRegistry;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.pcap.Capture;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * One {@code xdpemu run}: opens (and fully validates) every capture first, replays them, writes the
 * output directory atomically and returns the statistics.
 */
public final class ReplayRun {
  private ReplayRun() {}

  /**
   * @param captures pcap/pcapng files, replayed in order as one stream
   * @param outDir where to write the outputs, or null for none
   * @param trace write packets.jsonl
   * @param swaps firmware swaps by packet index
   * @param batch packets per batch (see {@link Replay})
   * @param serial run packets one at a time in input order (byte-identical for any program)
   * @param devices ifindexes bpf_redirect may reach (null: any)
   * @param formats BTF to show maps and metadata by field name (null: hex only)
   */
  public record Options(
      List<Path> captures,
      Path outDir,
      boolean trace,
      List<FirmwareSwap> swaps,
      int batch,
      boolean serial,
      java.util.function.IntPredicate devices,
      RunFormats formats) {
    public Options {
      captures = List.copyOf(captures);
      swaps = List.copyOf(swaps);
      devices = devices == null ? i -> i > 0 : devices;
      formats = formats == null ? RunFormats.NONE : formats;
    }

    public Options(
        List<Path> captures,
        Path outDir,
        boolean trace,
        List<FirmwareSwap> swaps,
        int batch,
        boolean serial,
        java.util.function.IntPredicate devices) {
      this(captures, outDir, trace, swaps, batch, serial, devices, null);
    }

    public Options(
        List<Path> captures,
        Path outDir,
        boolean trace,
        List<FirmwareSwap> swaps,
        int batch,
        boolean serial) {
      this(captures, outDir, trace, swaps, batch, serial, null);
    }

    public static Options of(List<Path> captures, Path outDir, boolean trace) {
      return new Options(captures, outDir, trace, List.of(), Replay.DEFAULT_BATCH, false);
    }
  }

  /**
   * Captures larger than this replay on one thread, whatever the queue count (each queue still with
   * its own context, CPU id and counters; outputs as on lanes, which the determinism tests check).
   * Every lane reads every frame to learn its queue, so a capture far larger than the CPU caches
   * streams from memory once per lane: measured on the 2-core development VM ({@code
   * LanesVsOneThread}: mynic-v2, 4 queues, captures held in memory, two runs), two lanes were
   * 1.03-1.35x one thread on captures of 0.2 and 3.9 MB and 0.58-0.97x on 15 to 236 MB, and the
   * CLI's 1.1 GB capture ran 6.2-6.4 Mpps on one thread against 4.9-6.1 on two lanes
   * (benchmarks/RESULTS.md, wave 8, lead).
   */
  static final long LANES_MAX_CAPTURE_BYTES = 8L << 20;

  /** The cores a replay of {@code bytes} of captures may keep busy on a machine of {@code cpus}. */
  static int replayCores(long bytes, int cpus) {
    return bytes > LANES_MAX_CAPTURE_BYTES ? 1 : cpus;
  }

  /** The captures' total size on disk (0 for what cannot be read: opening reports it). */
  private static long fileBytes(List<Path> captures) {
    long n = 0;
    for (Path p : captures) {
      try {
        n += java.nio.file.Files.size(p);
      } catch (java.io.IOException | SecurityException e) {
        // Capture.open names the file and the problem.
      }
    }
    return n;
  }

  /**
   * @param progress where to draw a progress bar, or null for none
   */
  public static ReplayStats run(
      Attachment attachment,
      IntFunction<ExecutionContext> contexts,
      MapRegistry maps,
      Options o,
      String program,
      PrintStream progress) {
    List<Capture> caps = new ArrayList<>();
    long total = 0;
    Replay replay;
    long bytes = fileBytes(o.captures());
    int cores = replayCores(bytes, Runtime.getRuntime().availableProcessors());
    int lanes = Replay.lanes(attachment.nic().queueCount(), o.serial(), cores);
    SteerWarmup warmup = SteerWarmup.startIfWorthIt(attachment.nic(), bytes, o.captures(), lanes);
    try {
      for (Path p : o.captures()) {
        Capture c = Capture.open(p);
        caps.add(c);
        total += c.packetCount();
      }
      replay =
          new Replay(
              attachment,
              contexts,
              maps,
              (o.trace() || o.formats().report()) && o.outDir() != null,
              o.swaps(),
              o.batch(),
              o.serial(),
              o.devices(),
              cores);
    } finally {
      if (warmup != null) {
        warmup.close();
      }
    }
    ProgressBar bar = progress == null ? null : new ProgressBar(progress, total);
    List<String> names = o.captures().stream().map(Path::toString).toList();
    if (maps != null) {
      MapEvents.openPerfBuffers(maps);
    }
    if (o.outDir() == null) {
      replay.run(
          caps,
          Replay.Sink.discarding(
              () -> {
                if (maps != null) {
                  MapEvents.drain(maps); // a consumer that reads and discards
                }
              }),
          bar);
    } else {
      try (RunOutputs out =
          new RunOutputs(o.outDir(), o.trace(), maps, o.formats(), attachment.nic().queueCount())) {
        replay.run(caps, out, bar);
        out.finish(
            SummaryReport.json(replay.stats(), program, attachment.nic().describe(), names),
            maps,
            replay.stats());
      }
    }
    if (bar != null) {
      bar.clear();
    }
    return replay.stats();
  }
}
