package io.xdpemu.bench;

import io.xdpemu.nic.FirmwareEngine;
import io.xdpemu.pcap.Capture;
import io.xdpemu.pcap.CaptureCursor;
import io.xdpemu.pcap.EthernetFramer;
import io.xdpemu.runtime.Attach;
import io.xdpemu.runtime.LoadOptions;
import io.xdpemu.runtime.Replay;
import io.xdpemu.runtime.ReplayStats;
import io.xdpemu.runtime.XdpAction;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * End-to-end replay throughput in Mpps (ops/us, one op = one packet): capture in memory → reader
 * and RSS steering → RX queue threads (NIC delivery, XDP program) → actions → counters, through the
 * runtime's own {@link Replay} engine ({@link Replay#replay}, the in-memory entry point; the queue
 * threads live across invocations, as they do across batches of one {@code xdpemu run}).
 *
 * <p>One invocation replays {@code pcaps/mixed-1k.pcap} {@value #ROUNDS} times (64,000 packets, 64
 * batches of 1024): the capture bytes are in memory ({@link Capture#of}) and never written, the
 * replay copies each record into its packet slot, so every program run starts from the pristine
 * frame. No output files (the sink is empty): this measures the engine, not the disk. With {@code
 * queues} &gt; 1 the queues run on {@code min(queues, cores)} lanes, each steering every frame and
 * running its own queues' frames, meeting once a batch (see {@link Replay}); on a machine with
 * fewer free cores than lanes the lanes take turns.
 *
 * <p>{@link #baseline} reads the same captures record by record into a frame buffer and sinks the
 * length: the part of the replay that is neither NIC nor XDP nor counting.
 *
 * <p>Allocation: run with {@code -prof gc}; {@code gc.alloc.rate.norm} is bytes per packet (goal: 0
 * in steady state; per-invocation costs such as the capture cursors are divided by 64,000).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ReplayBench -f 1 -wi 2 -i 3 -w 1s -r 1s
 * -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsPrepend = BenchInputs.LAUNCHER_JVM)
public class ReplayBench {
  static final int ROUNDS = 64;
  static final int PACKETS = ROUNDS * ProgramBench.PACKETS;

  @Param({"xdp_drop", "xdp_counter"})
  public String program;

  @Param({"1", "2", "4"})
  public int queues;

  /** {@code plain}: no firmware; else a firmware of examples/firmware (metadata written). */
  @Param({"plain", "mynic-v2"})
  public String nic;

  @Param({"interp", "jit"})
  public String engine;

  /**
   * How the NIC runs its firmware: compiled to JVM code (the default) or the reference interpreter
   * (set as {@code -Dxdpemu.nic.engine} of the fork before the NIC is created).
   */
  @Param({"compiled", "interpreter"})
  public String fwEngine;

  private List<Capture> captures;
  private Replay replay;
  private Attach attach;
  private byte[] frame;

  @Setup(Level.Trial)
  public void setup() {
    System.setProperty(FirmwareEngine.PROPERTY, fwEngine);
    Capture mixed = BenchInputs.capture("mixed-1k");
    BenchInputs.exactly(BenchInputs.frames(mixed), ProgramBench.PACKETS, "mixed-1k.pcap");
    captures = Collections.nCopies(ROUNDS, mixed);
    LoadOptions o = BenchInputs.loadOptions(program, engine);
    if (!nic.equals("plain")) {
      o = o.withFirmware(BenchInputs.firmware(nic));
    }
    attach = Attach.create(o, queues);
    replay = Replay.inMemory(attach, false);
    frame = new byte[4096];
  }

  /** Checks that every packet replayed was counted, and nothing aborted (a broken run is fast). */
  @TearDown(Level.Trial)
  public void tearDown() {
    ReplayStats s = replay.stats();
    replay.close();
    attach.attachment().nic().close(); // the frame buffers back to the pool (no netty leak report)
    if (s.packets() % PACKETS != 0 || s.actionPackets(XdpAction.ABORTED) != 0) {
      throw new IllegalStateException(
          "replay counted "
              + s.packets()
              + " packets, "
              + s.actionPackets(XdpAction.ABORTED)
              + " aborted");
    }
  }

  @Benchmark
  @OperationsPerInvocation(PACKETS)
  public long replay() {
    return replay.replay(captures).packets();
  }

  @Benchmark
  @OperationsPerInvocation(PACKETS)
  public void baseline(Blackhole bh) {
    for (Capture c : captures) {
      CaptureCursor cur = c.cursor();
      while (cur.next()) {
        bh.consume(EthernetFramer.frame(cur, frame, 0));
      }
    }
  }
}
