package io.xdpemu.bench;

import io.xdpemu.pcap.Capture;
import io.xdpemu.pcap.CaptureCursor;
import io.xdpemu.pcap.PcapWriter;
import io.xdpemu.runtime.gen.TrafficGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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

/**
 * What a replay lane pays to find each record of a capture: a cursor moving to the next record and
 * the fields a lane reads (where the frame lies, its length; the timestamp of every other record,
 * as a lane asks only for its own frames'). {@code records}: 1000 (the capture stays in the CPU's
 * caches) or 2,000,000 (~440 MB of generated mixed traffic, far larger than them, like the CLI's
 * 5M-packet capture). {@code starts}: the cursor finds records from the starts noted when the
 * capture was opened ({@link Capture}), or follows the records' lengths.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar CaptureWalkBench -f 1 -wi 2 -i 3} (the
 * setup generates the large capture: ~20 s).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx3g")
public class CaptureWalkBench {
  @Param({"1000", "2000000"})
  public int records;

  @Param({"true", "false"})
  public boolean starts;

  private Capture capture;
  private CaptureCursor cur;

  static final int STEP = 1000;

  @Setup
  public void setup() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PcapWriter w = new PcapWriter(bytes)) {
      new TrafficGenerator("mixed", 1).write(w, records);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    capture = Capture.of("generated", bytes.toByteArray(), starts);
    cur = capture.cursor();
  }

  /** Per record: each call moves on {@link #STEP} records, from the start again at the end. */
  @Benchmark
  @OperationsPerInvocation(STEP)
  public long walk() {
    CaptureCursor cur = this.cur;
    long sum = 0;
    for (int i = 0; i < STEP; i++) {
      if (!cur.next()) {
        cur.rewind();
        cur.next();
      }
      sum += cur.dataOffset() + cur.capturedLength() - cur.fcsLength();
      if ((cur.index() & 1) == 0) {
        sum += cur.timestampNs();
      }
    }
    return sum;
  }
}
