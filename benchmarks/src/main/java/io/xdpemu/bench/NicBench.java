package io.xdpemu.bench;

import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.RegionRegistry;
import io.xdpemu.nic.FirmwareEngine;
import io.xdpemu.nic.Nic;
import io.xdpemu.nic.NicConfig;
import io.xdpemu.nic.RxParse;
import io.xdpemu.nic.firmware.FirmwareLoader;
import java.util.Locale;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The NIC's receive path per packet, per firmware, on the 1000 frames of {@code
 * pcaps/mixed-1k.pcap} (every header stack the generator makes, tunnels included).
 *
 * <p>{@link #receive}: what the replay asks of the NIC for one frame: {@code steer} (firmware
 * parse, classification, RSS Toeplitz hash, indirection table, into an {@link RxParse} that travels
 * with the frame), then {@code receive} on the queue (copy into the pooled RX buffer, write the RX
 * descriptor into the ring and the metadata block before {@code data}, point the xdp_buff at it).
 * The capture arrays are never written (the NIC copies from them), so no restore is needed. {@link
 * #baseline} does the loop, the input fetch, the frame copy into a 4 KiB buffer at the headroom and
 * the sink: {@code receive - baseline} is parse + RSS + metadata/descriptor writes + context
 * set-up.
 *
 * <p>{@code firmware=plain} is the NIC of a run without firmware ({@link Nic#plain}, the bundled
 * firmware: Toeplitz over the 5-tuple, no metadata).
 *
 * <p>{@code fwEngine}: the firmware compiled to JVM code (the default of every run) or the
 * reference interpreter (tables), so one run gives before and after.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar NicBench -f 1 -wi 2 -i 3 -w 1s -r 1s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsPrepend = BenchInputs.LAUNCHER_JVM)
public class NicBench {
  static final int PACKETS = ProgramBench.PACKETS;

  @Param({"plain", "mynic-kernel", "mynic-v1", "mynic-v2"})
  public String firmware;

  /** How the NIC runs the firmware: compiled to JVM code (the default) or the reference tables. */
  @Param({"compiled", "interpreter"})
  public String fwEngine;

  private byte[][] frames;
  private long timestampNs;
  private Nic nic;
  private final RxParse parse = new RxParse();

  /** Told its owner runs no queue: the NIC steers each frame only as far as its queue. */
  private final RxParse queueOnly = new RxParse();

  /** One execution context per queue, as the replay gives each queue (its QueueRunner) its own. */
  private ExecutionContext[] ctx;

  private byte[] scratch;

  @Setup
  public void setup() {
    frames =
        BenchInputs.exactly(
            BenchInputs.frames(BenchInputs.capture("mixed-1k")), PACKETS, "mixed-1k.pcap");
    nic = nic(firmware, FirmwareEngine.valueOf(fwEngine.toUpperCase(Locale.ROOT)));
    ctx = contexts(nic);
    queueOnly.onlyFor(new boolean[nic.queueCount()]);
    scratch = new byte[4096];
    timestampNs = 1_767_225_600_000_000_000L;
  }

  /**
   * The NIC these benchmarks time: {@code plain} with 4 queues, else the firmware file of
   * examples/firmware with its own queue count.
   */
  static Nic nic(String firmware, FirmwareEngine engine) {
    return firmware.equals("plain")
        ? Nic.plain(NicConfig.defaults().withQueues(4), engine)
        : Nic.create(
            FirmwareLoader.load(BenchInputs.firmware(firmware)),
            NicConfig.defaults().withQueues(0),
            engine);
  }

  /**
   * A context per queue, as {@code QueueRunner} has: one context shared by every queue would have
   * its xdp_buff's headroom record and kfunc source (references) change at most frames, which no
   * replay does, and with G1 each such reference store costs a fence.
   */
  static ExecutionContext[] contexts(Nic nic) {
    ExecutionContext[] c = new ExecutionContext[nic.queueCount()];
    for (int q = 0; q < c.length; q++) {
      c[q] = new ExecutionContext(new RegionRegistry());
    }
    return c;
  }

  @TearDown
  public void tearDown() {
    nic.close();
  }

  @Benchmark
  @OperationsPerInvocation(PACKETS)
  public void receive(Blackhole bh) {
    for (int i = 0; i < PACKETS; i++) {
      byte[] f = frames[i];
      int q = nic.steer(f, 0, f.length, parse);
      ExecutionContext c = ctx[q];
      bh.consume(nic.queue(q).receive(f, 0, f.length, timestampNs, parse, c));
      bh.consume(c.xdp().meta);
    }
  }

  /**
   * The steer stage alone (parse, classification, RSS hash and queue, checksum verdicts, flow
   * mark): the part of {@link #receive} that runs the firmware's generated steer code.
   */
  @Benchmark
  @OperationsPerInvocation(PACKETS)
  public void steer(Blackhole bh) {
    for (int i = 0; i < PACKETS; i++) {
      byte[] f = frames[i];
      bh.consume(nic.steer(f, 0, f.length, parse));
    }
  }

  /**
   * What a replay lane pays for a frame another lane runs (Q in benchmarks/RESULTS.md): the steer
   * stage stopped once the queue is known (parse as far as the RSS fields, Toeplitz hash,
   * indirection table; no packet type, checksum verdicts or flow mark), as {@link RxParse#onlyFor}
   * asks.
   */
  @Benchmark
  @OperationsPerInvocation(PACKETS)
  public void steerQueueOnly(Blackhole bh) {
    for (int i = 0; i < PACKETS; i++) {
      byte[] f = frames[i];
      bh.consume(nic.steer(f, 0, f.length, queueOnly));
    }
  }

  @Benchmark
  @OperationsPerInvocation(PACKETS)
  public void baseline(Blackhole bh) {
    for (int i = 0; i < PACKETS; i++) {
      byte[] f = frames[i];
      System.arraycopy(f, 0, scratch, 256, f.length);
      bh.consume(f.length);
      bh.consume(scratch[256]);
    }
  }
}
