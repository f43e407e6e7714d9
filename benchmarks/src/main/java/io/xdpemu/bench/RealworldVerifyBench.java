package io.xdpemu.bench;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.runtime.LoadOptions;
import io.xdpemu.runtime.LoadPipeline;
import io.xdpemu.runtime.TargetBtf;
import io.xdpemu.verifier.VerifierResult;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The verifier on the largest real-world programs of {@code ../shared/realworld} (the ten with the
 * highest processed-instruction counts in its kernel-verdicts.tsv, all accepted by Linux 6.18), in
 * milliseconds per verification, privileged, log level 1, as {@code xdpemu verify} runs it. The
 * object is read and CO-RE-relocated in {@code @Setup}; one operation is the verifier alone, what
 * the kernel's own "verification time" (log_level 4, BPF_LOG_STATS) covers.
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
@Fork(1)
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
    "xdp-tools/xdp-filter/xdpfilt_alw_tcp.o:xdpfilt_alw_tcp"
  })
  public String program;

  private LoadOptions options;
  private LoadPipeline.Relocated relocated;

  @Setup
  public void setup() {
    Path objects = BenchInputs.shared().resolve("realworld/objects");
    if (!Files.isDirectory(objects)) {
      throw new UsageException(
          "real-world objects not found at " + objects + " (-Dxdpemu.shared=DIR): not measured");
    }
    int colon = program.lastIndexOf(':');
    Path object = objects.resolve(program.substring(0, colon));
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

  @Benchmark
  public boolean verify() {
    VerifierResult v =
        LoadPipeline.verify(options, relocated.object(), relocated.spec(), relocated.insns(), 1);
    return v.accepted();
  }
}
