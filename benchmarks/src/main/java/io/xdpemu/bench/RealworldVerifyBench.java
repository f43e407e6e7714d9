package io.xdpemu.bench;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.runtime.LoadOptions;
import io.xdpemu.runtime.LoadPipeline;
import io.xdpemu.runtime.TargetBtf;
import io.xdpemu.verifier.VerifierResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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

/**
 * The verifier on the largest real-world programs of {@code ../shared/realworld} (the ten with the
 * highest processed-instruction counts in its kernel-verdicts.tsv, all accepted by Linux 6.18), in
 * milliseconds per verification, privileged. The object is read and CO-RE-relocated in
 * {@code @Setup}; one operation is the verifier alone, what the kernel's own "verification time"
 * (log_level 4, BPF_LOG_STATS) covers. {@code logLevel=0} (the default) builds no log text, as the
 * kernel at log_level 4 prints nothing but its statistics; {@code logLevel=1} is what {@code xdpemu
 * verify} asks for (every instruction of the path that ends last).
 *
 * <p>{@code program=corpus:unsafe_05_unbounded_loop.c:prog} is the 1M-instruction rejection ("BPF
 * program is too large. Processed 1000001 insn") of {@code ../shared/verifier-corpus}, compiled
 * with clang in {@code @Setup} as {@link CorpusVerifyBench} does. {@code
 * benchmarks/verifier-side-by-side.sh} runs this class next to the running kernel.
 *
 * <p>Without ../shared/realworld every parameter fails in {@code @Setup} with a message naming the
 * missing directory (JMH reports it and goes on), so a run without the shared data is visibly not a
 * measurement.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RealworldVerifyBench -f 1 -wi 1 -i 3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
// A fixed, pre-touched heap: with a growing default heap, runs that allocate into pages the JVM
// has just committed pay the kernel's page faults (zeroing) in their own time, and syncookie_xdp's
// runs went from 30 ms to 80-160 ms after the 7th in one JVM (thread CPU time, so not GC pauses);
// with this heap they stay at 32-34 ms. The kernel's verifier allocates from warm slab caches.
@Fork(
    value = 1,
    jvmArgsPrepend = BenchInputs.LAUNCHER_JVM,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class RealworldVerifyBench {
  /** project/object:program, by kernel processed count (kernel-verdicts.tsv of 2026-12-05). */
  @Param({
    "xdp-tools/xdp-trafficgen/xdp_trafficgen.bpf.o:xdp_handle_tcp_recv",
    "xdp-tools/xdp-filter/xdpfilt_dny_all.o:xdpfilt_dny_all",
    "xdp-tools/xdp-filter/xdpfilt_alw_all.o:xdpfilt_alw_all",
    "xdp-tools/xdp-filter/xdpfilt_dny_ip.o:xdpfilt_dny_ip",
    "xdp-tools/xdp-filter/xdpfilt_alw_ip.o:xdpfilt_alw_ip",
    "xdp-tutorial/experiment01-tailgrow/xdp_prog_kern2.o:_xdp_end_loop",
    "bpf-examples/xdp-synproxy/xdp_synproxy_kern.o:syncookie_xdp",
    "xdp-tools/xdp-filter/xdpfilt_dny_tcp.o:xdpfilt_dny_tcp",
    "xdp-tools/xdp-filter/xdpfilt_dny_udp.o:xdpfilt_dny_udp",
    "xdp-tools/xdp-filter/xdpfilt_alw_tcp.o:xdpfilt_alw_tcp",
    CORPUS + "unsafe_05_unbounded_loop.c:prog"
  })
  public String program;

  /** 0: statistics only (the kernel's log_level 4); 1: the CLI's log. */
  @Param({"0"})
  public int logLevel;

  static final String CORPUS = "corpus:";

  private Path buildDir;

  private LoadOptions options;
  private LoadPipeline.Relocated relocated;

  @Setup
  public void setup() throws IOException, InterruptedException {
    int colon = program.lastIndexOf(':');
    Path object = object(program.substring(0, colon));
    LoadOptions o = LoadOptions.of(object);
    options =
        new LoadOptions(
            o.object(),
            program.substring(colon + 1),
            o.firmware(),
            o.btf(),
            o.vmlinux(),
            o.engine(),
            false,
            o.mapInit(),
            o.fib(),
            true);
    relocated = LoadPipeline.relocate(options, TargetBtf.of(options));
  }

  /** The object of a real-world program, or a corpus program compiled into a temporary dir. */
  private Path object(String name) throws IOException, InterruptedException {
    if (name.startsWith(CORPUS)) {
      Path c = BenchInputs.shared().resolve("verifier-corpus/src").resolve(name.substring(7));
      if (!Files.isRegularFile(c)) {
        throw new UsageException("corpus program not found at " + c + " (-Dxdpemu.shared=DIR)");
      }
      buildDir = Files.createTempDirectory("xdpemu-rwbench");
      return CorpusVerifyBench.compile(c, buildDir.resolve("prog.o"));
    }
    Path objects = BenchInputs.shared().resolve("realworld/objects");
    if (!Files.isDirectory(objects)) {
      throw new UsageException(
          "real-world objects not found at " + objects + " (-Dxdpemu.shared=DIR): not measured");
    }
    return objects.resolve(name);
  }

  @TearDown
  public void tearDown() throws IOException {
    if (buildDir != null) {
      Files.deleteIfExists(buildDir.resolve("prog.o"));
      Files.deleteIfExists(buildDir);
    }
  }

  @Benchmark
  public boolean verify() {
    VerifierResult v =
        LoadPipeline.verify(
            options, relocated.object(), relocated.spec(), relocated.insns(), logLevel);
    return v.accepted();
  }
}
