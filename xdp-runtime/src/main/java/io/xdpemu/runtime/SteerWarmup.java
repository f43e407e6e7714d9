package io.xdpemu.runtime;

import io.xdpemu.nic.Nic;
import io.xdpemu.nic.RxParse;
import io.xdpemu.runtime.gen.TrafficGenerator;

/**
 * While a long replay is being prepared (its captures opened and checked end to end, which takes
 * one core a while for a large file), a background thread steers generated frames through the NIC,
 * so that the JVM compiles the firmware's steer code, the largest method of the data path, before
 * the replay starts rather than during it. Steering only reads the frame and writes a scratch parse
 * result (no queue, ring, counter or map is touched), so this changes no output; the thread stops
 * as soon as the replay starts, whether it finished or not, so it never delays it.
 */
final class SteerWarmup implements AutoCloseable {
  /** Captures smaller than this replay too quickly for the optimizing compiler to matter. */
  static final long MIN_CAPTURE_BYTES = 4L << 20;

  /** Enough steering for the optimizing compiler to take the steer code, with margin. */
  private static final int MAX_FRAMES = 400_000;

  private static final int DISTINCT_FRAMES = 2048;

  private final Thread thread;
  private volatile boolean stop;

  private SteerWarmup(Nic nic) {
    thread = new Thread(() -> steer(nic), "xdpemu-steer-warmup");
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts warming {@code nic}'s steer code when the captures are large, else does nothing. */
  static SteerWarmup startIfWorthIt(Nic nic, long captureBytes) {
    return captureBytes >= MIN_CAPTURE_BYTES ? new SteerWarmup(nic) : null;
  }

  private void steer(Nic nic) {
    TrafficGenerator gen = new TrafficGenerator("mixed", 1);
    byte[][] frames = new byte[DISTINCT_FRAMES][];
    for (int i = 0; i < frames.length && !stop; i++) {
      frames[i] = gen.next().toArray();
    }
    RxParse scratch = new RxParse();
    for (int n = 0; n < MAX_FRAMES && !stop; n++) {
      byte[] f = frames[n % DISTINCT_FRAMES];
      nic.steer(f, 0, f.length, scratch);
    }
  }

  /** Stops the thread (at its next frame) and waits for it. */
  @Override
  public void close() {
    stop = true;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
