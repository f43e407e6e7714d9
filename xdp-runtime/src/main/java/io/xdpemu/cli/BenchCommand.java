package io.xdpemu.cli;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.runtime.OutputFiles;
import io.xdpemu.runtime.bench.BenchRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code xdpemu bench PROG.o --pcap F [--firmware FW] [--queues N] [--engine E]}: JMH on the user's
 * own program and capture (see {@link BenchRun}); prints Mpps ± error, ns/packet and B/packet, and
 * with {@code --json-out} writes JMH's JSON. Short by default (2 warm-up and 3 measured iterations
 * of 1 s, in process); the flags make it longer.
 */
@Command(
    name = "bench",
    description = "JMH on your program and capture: Mpps, ns/packet, B/packet (GC profiler).")
final class BenchCommand extends Subcommand {
  @Parameters(paramLabel = "PROG.o", description = "the BPF object (clang -target bpf)")
  String object;

  @Option(
      names = "--pcap",
      paramLabel = "FILE",
      required = true,
      description = "capture replayed by every operation (repeatable: one pass replays all)")
  List<String> pcaps = new ArrayList<>();

  @Option(names = "--prog", paramLabel = "NAME", description = "program of the object")
  String prog;

  @Option(names = "--firmware", paramLabel = "FILE", description = "NIC firmware")
  String firmware;

  @Option(
      names = "--queues",
      paramLabel = "N",
      description = "RX queues (default: firmware's RSS queues, 1 without firmware)")
  Long queues;

  @Option(
      names = "--engine",
      paramLabel = "interp|jit",
      description = "execution engine (default jit)")
  String engine;

  @Option(names = "--warmup", paramLabel = "N", description = "warm-up iterations (default 2)")
  int warmups = 2;

  @Option(names = "--iterations", paramLabel = "N", description = "measured iterations (default 3)")
  int iterations = 3;

  @Option(
      names = "--time",
      paramLabel = "T",
      description = "length of each iteration, e.g. 500ms, 1s, 2s (default 1s)")
  String time = "1s";

  @Option(
      names = "--forks",
      paramLabel = "N",
      description = "JVM forks (default 0: in this process, no second JVM start)")
  int forks = 0;

  @Option(names = "--json-out", paramLabel = "FILE", description = "write JMH's JSON result")
  String jsonOut;

  @Override
  public Integer call() {
    if (engine != null && !engine.equals("interp") && !engine.equals("jit")) {
      throw new UsageException("--engine must be 'interp' or 'jit', got '" + engine + "'");
    }
    List<Path> captures = new ArrayList<>();
    for (String p : pcaps) {
      captures.add(CommonOptions.readable(p, "capture"));
    }
    int n = queues == null ? 0 : (int) CommonOptions.inRange("--queues", queues, 1, 1024);
    CommonOptions.inRange("--warmup", warmups, 0, 1000);
    CommonOptions.inRange("--iterations", iterations, 1, 1000);
    CommonOptions.inRange("--forks", forks, 0, 100);
    TimeValue t;
    try {
      t = TimeValue.fromString(time);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--time wants a duration such as 500ms or 2s, got '" + time + "'");
    }
    try (OutputFiles files = new OutputFiles()) {
      Path json = jsonOut == null ? null : files.temp(Path.of(jsonOut));
      BenchRun.Settings s =
          new BenchRun.Settings(
              CommonOptions.readable(object, "object"),
              captures,
              prog,
              CommonOptions.readable(firmware, "firmware"),
              n,
              engine,
              warmups,
              iterations,
              t,
              forks,
              json);
      BenchRun.PerPacket r = BenchRun.run(s);
      files.commit();
      out.print(BenchRun.text(s, r));
      out.println();
      if (jsonOut != null) {
        out.println("Wrote " + jsonOut);
      }
    }
    return 0;
  }
}
