package io.xdpemu.runtime.bench;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.pcap.Capture;
import java.io.File;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * {@code xdpemu bench}: JMH's {@link Runner} on {@link UserReplayBenchmark} with the user's object,
 * captures, firmware, queues and engine as its parameters, with the GC profiler, and the answer per
 * packet: Mpps and ns/packet with JMH's 99.9% confidence error, B/packet from {@code
 * gc.alloc.rate.norm}. In process by default ({@code forks} 0: the same JVM, no second start).
 */
public final class BenchRun {
  /** What to run. */
  public record Settings(
      Path object,
      List<Path> pcaps,
      String program,
      Path firmware,
      int queues,
      String engine,
      int warmups,
      int iterations,
      TimeValue time,
      int forks,
      Path jsonOut) {}

  /**
   * The result per packet.
   *
   * @param bytesPerPacket NaN when the GC profiler gave nothing
   */
  public record PerPacket(
      long packetsPerPass,
      double mpps,
      double mppsError,
      double nsPerPacket,
      double nsError,
      double bytesPerPacket,
      String unit) {}

  private BenchRun() {}

  public static PerPacket run(Settings s) {
    long perPass = 0;
    for (Path p : s.pcaps()) {
      perPass += Capture.open(p).packetCount();
    }
    if (perPass == 0) {
      throw new UsageException("bench: the captures hold no packets");
    }
    ChainedOptionsBuilder o =
        new OptionsBuilder()
            .include(
                "^"
                    + java.util.regex.Pattern.quote(UserReplayBenchmark.class.getName())
                    + "\\.pass$")
            .param("object", s.object().toString())
            .param(
                "pcaps",
                s.pcaps().stream()
                    .map(Path::toString)
                    .collect(Collectors.joining(File.pathSeparator)))
            .param("program", s.program() == null ? "" : s.program())
            .param("firmware", s.firmware() == null ? "" : s.firmware().toString())
            .param("queues", Integer.toString(s.queues()))
            .param("engine", s.engine() == null ? "jit" : s.engine())
            .warmupIterations(s.warmups())
            .warmupTime(s.time())
            .measurementIterations(s.iterations())
            .measurementTime(s.time())
            .forks(s.forks())
            .shouldFailOnError(true)
            .addProfiler(GCProfiler.class)
            .verbosity(VerboseMode.SILENT);
    if (s.jsonOut() != null) {
      o.resultFormat(ResultFormatType.JSON).result(s.jsonOut().toString());
    }
    Collection<RunResult> results;
    try {
      results = new Runner(o.build()).run();
    } catch (RunnerException e) {
      if (String.valueOf(e.getMessage()).contains("Unable to acquire the JMH lock")) {
        // Two JMH runs on one machine measure each other; JMH refuses the second (jmh.lock).
        throw new UsageException(
            "bench: another JMH run holds its lock (/tmp/jmh.lock); wait for it to finish, or"
                + " run with -Djmh.ignoreLock=true (XDPEMU_JAVA_OPTS) to measure anyway");
      }
      throw new IllegalStateException("JMH failed: " + e.getMessage(), e);
    }
    if (results.size() != 1) {
      throw new IllegalStateException("JMH returned " + results.size() + " results, expected 1");
    }
    RunResult r = results.iterator().next();
    Result<?> primary = r.getPrimaryResult();
    double nsPerOp = primary.getScore();
    double errPerOp = primary.getScoreError();
    double ns = nsPerOp / perPass;
    double nsErr = Double.isNaN(errPerOp) ? Double.NaN : errPerOp / perPass;
    double mpps = 1e3 / ns;
    // d(1/x) = dx / x^2: the same relative error
    double mppsErr = Double.isNaN(nsErr) ? Double.NaN : mpps * nsErr / ns;
    Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
    double bytes = alloc == null ? Double.NaN : alloc.getScore() / perPass;
    return new PerPacket(perPass, mpps, mppsErr, ns, nsErr, bytes, primary.getScoreUnit());
  }

  /** The lines {@code xdpemu bench} prints. */
  public static String text(Settings s, PerPacket r) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            "%,d packets per pass; JMH: %d warm-up + %d measured iterations of %s, %s%n",
            r.packetsPerPass(),
            s.warmups(),
            s.iterations(),
            s.time(),
            s.forks() == 0 ? "in process" : s.forks() + " fork(s)"));
    int mppsDecimals = decimals(r.mpps());
    int nsDecimals = decimals(r.nsPerPacket());
    b.append(
        String.format(
            "Mpps        %10." + mppsDecimals + "f ± %s%n",
            r.mpps(),
            err(r.mppsError(), mppsDecimals)));
    b.append(
        String.format(
            "ns/packet   %10." + nsDecimals + "f ± %s%n",
            r.nsPerPacket(),
            err(r.nsError(), nsDecimals)));
    b.append(
        Double.isNaN(r.bytesPerPacket())
            ? "B/packet           n/a (no GC profiler data)\n"
            : String.format("B/packet    %10.2f%n", r.bytesPerPacket()));
    b.append("(± is JMH's 99.9% confidence interval; ")
        .append(s.iterations() < 2 ? "one iteration gives none)" : "more --iterations narrow it)");
    return b.toString();
  }

  /** Four significant digits, at least one decimal: 10.28, 637.0, 0.003662. */
  static int decimals(double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      return 1;
    }
    return Math.max(1, 3 - (int) Math.floor(Math.log10(v)));
  }

  private static String err(double e, int decimals) {
    return Double.isNaN(e) ? "n/a" : String.format("%." + decimals + "f", e);
  }
}
