package io.xdpemu.runtime.bench;

import io.xdpemu.pcap.Capture;
import io.xdpemu.runtime.Attach;
import io.xdpemu.runtime.LoadOptions;
import io.xdpemu.runtime.Replay;
import io.xdpemu.runtime.ReplayStats;
import io.xdpemu.runtime.XdpAction;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The benchmark {@code xdpemu bench} runs: one operation is one replay of the user's captures
 * through the NIC and the user's program, with the runtime's in-memory entry point ({@link
 * Replay#replay}: captures memory-mapped, no output files, queue threads kept across operations,
 * nothing allocated per packet). {@link BenchRun} divides by the packets of one pass for Mpps,
 * ns/packet and B/packet. The parameters come from the command line through {@code @Param}; the
 * defaults are placeholders that make the benchmark refuse to run without them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class UserReplayBenchmark {
  /** The BPF object. */
  @Param("")
  public String object;

  /** Capture files, joined with the platform's path separator. */
  @Param("")
  public String pcaps;

  /** Program name, "" for the object's first XDP program. */
  @Param("")
  public String program;

  /** Firmware file, "" for the plain NIC. */
  @Param("")
  public String firmware;

  /** RX queues, 0 for the firmware's RSS queue count (1 without firmware). */
  @Param("0")
  public int queues;

  /** "jit" or "interp". */
  @Param("jit")
  public String engine;

  private Attach attach;
  private Replay replay;
  private List<Capture> captures;
  private long perPass;

  @Setup
  public void setup() {
    if (object.isEmpty() || pcaps.isEmpty()) {
      throw new IllegalStateException("UserReplayBenchmark needs -p object=... -p pcaps=...");
    }
    LoadOptions o =
        new LoadOptions(
            Path.of(object),
            program.isEmpty() ? null : program,
            firmware.isEmpty() ? null : Path.of(firmware),
            null,
            null,
            engine,
            false,
            null,
            null,
            true);
    attach = Attach.create(o, queues);
    captures = new ArrayList<>();
    for (String p : pcaps.split(File.pathSeparator)) {
      Capture c = Capture.open(Path.of(p));
      captures.add(c);
      perPass += c.packetCount();
    }
    replay = Replay.inMemory(attach, false);
  }

  @Benchmark
  public long pass() {
    return replay.replay(captures).packets();
  }

  /** A run that lost packets measured nothing: refuse its numbers. */
  @TearDown
  public void tearDown() {
    ReplayStats s = replay.stats();
    replay.close();
    attach.close();
    if (perPass == 0 || s.packets() % perPass != 0) {
      throw new IllegalStateException(
          "replay counted " + s.packets() + " packets, not a multiple of " + perPass);
    }
    long aborted = s.actionPackets(XdpAction.ABORTED);
    if (aborted == s.packets() && aborted > 0) {
      throw new IllegalStateException("every packet aborted: nothing worth timing");
    }
  }
}
