package io.xdpemu.bench;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.runtime.LoadOptions;
import io.xdpemu.runtime.LoadPipeline;
import io.xdpemu.runtime.TargetBtf;
import io.xdpemu.verifier.VerifierResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The verifier over the programs of the shared verifier corpus ({@code ../shared/verifier-corpus},
 * 24 small XDP programs, safe and unsafe), in milliseconds per pass. The C sources are compiled
 * with clang in {@code @Setup} (as the corpus's check.sh does: {@code clang -O2 -g -target bpf}),
 * read and CO-RE-relocated there too; one operation verifies the selected programs once each,
 * privileged, log level 1 (what {@code xdpemu verify} and the load pipeline run).
 *
 * <p>{@code set=fast}: every program except {@code unsafe_05} (the 1M-instruction complexity
 * rejection, which dominates everything else and is measured on its own with {@code
 * set=unsafe_05}); {@code set=NAME} runs any single program by its file name prefix.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar CorpusVerifyBench -f 1 -wi 2 -i 3 -w 1s
 * -r 1s}. Needs clang with the BPF target.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsPrepend = BenchInputs.LAUNCHER_JVM)
public class CorpusVerifyBench {
  static final String SLOW = "unsafe_05";

  @Param({"fast", SLOW})
  public String set;

  private List<LoadPipeline.Relocated> programs;
  private List<LoadOptions> options;
  private Path buildDir;

  @Setup
  public void setup() throws IOException, InterruptedException {
    Path src = BenchInputs.shared().resolve("verifier-corpus/src");
    if (!Files.isDirectory(src)) {
      throw new UsageException("verifier corpus not found at " + src + " (-Dxdpemu.shared=DIR)");
    }
    buildDir = Files.createTempDirectory("xdpemu-corpus");
    List<Path> sources;
    try (Stream<Path> s = Files.list(src)) {
      sources = s.filter(p -> p.toString().endsWith(".c")).sorted().toList();
    }
    programs = new ArrayList<>();
    options = new ArrayList<>();
    for (Path c : sources) {
      String name = c.getFileName().toString().replace(".c", "");
      boolean slow = name.startsWith(SLOW);
      if (set.equals("fast") ? slow : !name.startsWith(set)) {
        continue;
      }
      LoadOptions o = LoadOptions.of(compile(c, buildDir.resolve(name + ".o")));
      programs.add(LoadPipeline.relocate(o, TargetBtf.of(o)));
      options.add(o);
    }
    if (programs.isEmpty()) {
      throw new UsageException("no corpus program matches set=" + set);
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    try (Stream<Path> s = Files.walk(buildDir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  static Path compile(Path c, Path out) throws IOException, InterruptedException {
    String multiarch =
        Files.isDirectory(Path.of("/usr/include/aarch64-linux-gnu/asm"))
            ? "aarch64-linux-gnu"
            : "x86_64-linux-gnu";
    Process p =
        new ProcessBuilder(
                "clang",
                "-O2",
                "-g",
                "-target",
                "bpf",
                "-I/usr/include/" + multiarch,
                "-c",
                c.toString(),
                "-o",
                out.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new UncheckedIOException(new IOException("clang failed for " + c + ":\n" + log));
    }
    return out;
  }

  @Benchmark
  public void verify(Blackhole bh) {
    for (int i = 0; i < programs.size(); i++) {
      LoadPipeline.Relocated r = programs.get(i);
      VerifierResult v = LoadPipeline.verify(options.get(i), r.object(), r.spec(), r.insns(), 1);
      bh.consume(v.accepted());
    }
  }

  @Benchmark
  public void baseline(Blackhole bh) {
    for (int i = 0; i < programs.size(); i++) {
      bh.consume(programs.get(i));
      bh.consume(options.get(i));
    }
  }
}
