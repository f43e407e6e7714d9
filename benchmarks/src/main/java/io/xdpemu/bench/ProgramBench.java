package io.xdpemu.bench;

import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.nic.Nic;
import io.xdpemu.runtime.Attach;
import io.xdpemu.runtime.FrameSetup;
import io.xdpemu.runtime.XdpRunner;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * VM cost per packet of each example program, loaded through the real load pipeline (ELF, CO-RE,
 * maps, verifier, engine) and fed the 1000 frames of {@code pcaps/mixed-1k.pcap} in turn.
 *
 * <p>Every operation is one packet done the way the replay's queue runner does it: the NIC delivers
 * the frame into the queue's execution context (copying it from the pristine capture array into the
 * RX buffer: that is the restore, inside the batch, so programs that rewrite or grow the frame —
 * xdp_bounce, xdp_calls — always see the original), then the program runs and r0 goes to the
 * Blackhole. {@link #baseline} does exactly the same minus the program run, so {@code run -
 * baseline} is the engine's time for the program. Maps keep their state across packets
 * (xdp_counter's hash map fills with the capture's 256 flows during warm-up, then only updates), as
 * in the kernel.
 *
 * <p>The NIC is the plain one (no firmware, no metadata), except for {@code xdp_hints}, which reads
 * the metadata of firmware {@code mynic-v2} and so runs on that NIC; its baseline includes the
 * firmware's parse and metadata write.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ProgramBench -f 1 -wi 2 -i 3 -w 1s -r
 * 1s}; one program: {@code -p program=xdp_drop}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsPrepend = BenchInputs.LAUNCHER_JVM)
public class ProgramBench {
  static final int PACKETS = 1000;

  @Param({
    "xdp_pass",
    "xdp_drop",
    "xdp_counter",
    "xdp_bounce",
    "xdp_calls",
    "xdp_meta",
    "xdp_alu",
    "xdp_lpm",
    "xdp_lru",
    "xdp_hints"
  })
  public String program;

  @Param({"interp", "jit"})
  public String engine;

  // Inputs in non-final fields (JMHSample_10_ConstantFold).
  private byte[][] frames;
  private long timestampNs;
  private Nic nic;
  private ExecutionContext ctx;
  private XdpRunner runner;

  @Setup
  public void setup() {
    frames =
        BenchInputs.exactly(
            BenchInputs.frames(BenchInputs.capture("mixed-1k")), PACKETS, "mixed-1k.pcap");
    Attach attach = BenchInputs.attach(program, engine, 1);
    nic = attach.nic();
    ctx = attach.loaded().newContext(0);
    runner = attach.attachment().program();
    timestampNs = 1_767_225_600_000_000_000L;
  }

  /** The frame {@code i} in the RX buffer, xdp_buff set up: QueueRunner.process minus the run. */
  private ExecutionContext deliver(int i) {
    byte[] f = frames[i];
    FrameSetup.rx(ctx, nic.queue(0), f, timestampNs);
    return ctx;
  }

  @Benchmark
  @OperationsPerInvocation(PACKETS)
  public void run(Blackhole bh) {
    for (int i = 0; i < PACKETS; i++) {
      bh.consume(runner.run(deliver(i)));
    }
  }

  @Benchmark
  @OperationsPerInvocation(PACKETS)
  public void baseline(Blackhole bh) {
    for (int i = 0; i < PACKETS; i++) {
      bh.consume(deliver(i).xdp().end);
    }
  }
}
