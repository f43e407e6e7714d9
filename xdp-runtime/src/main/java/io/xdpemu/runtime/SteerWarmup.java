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

  private static final int DISTINCT_FRAMES = 16384;

  private final Thread thread;
  private volatile boolean stop;

  /**
   * Every this many frames the warm-up steers into new parse results, as a replay starts with new
   * ones: the branch that sizes a parse result for its firmware must not look never taken, or the
   * compiled steer is thrown away at the replay's first frame (an uncommon trap) and compiled again
   * while the replay runs.
   */
  private static final int RENEW_EVERY = 8192;

  private SteerWarmup(Nic nic, int lanes) {
    thread = new Thread(() -> steer(nic, lanes), "xdpemu-steer-warmup");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Starts warming {@code nic}'s steer code when the captures are large, else does nothing. {@code
   * lanes}: the lanes the replay will run ({@link Replay#lanes}); with several, the frames are
   * steered as the lanes steer them (each into a parse result that stops at the queue of another
   * lane's frame), so the compiled code has seen both ways out of the steer.
   */
  static SteerWarmup startIfWorthIt(Nic nic, long captureBytes, int lanes) {
    return captureBytes >= MIN_CAPTURE_BYTES ? new SteerWarmup(nic, lanes) : null;
  }

  private void steer(Nic nic, int lanes) {
    TrafficGenerator gen = new TrafficGenerator("mixed", 1);
    byte[][] frames = new byte[DISTINCT_FRAMES][];
    for (int i = 0; i < frames.length && !stop; i++) {
      frames[i] = gen.next().toArray();
    }
    RxParse[] scratch = parses(nic, lanes);
    for (int n = 0; n < MAX_FRAMES && !stop; n++) {
      if (n % RENEW_EVERY == RENEW_EVERY - 1) {
        scratch = parses(nic, lanes);
      }
      byte[] f = frames[n % DISTINCT_FRAMES];
      nic.steer(f, 0, f.length, scratch[n % scratch.length]);
    }
  }

  /** What the replay's lanes steer into: one whole-steer result, or one per lane. */
  private static RxParse[] parses(Nic nic, int lanes) {
    return lanes > 1 ? Replay.laneParses(nic.queueCount(), lanes) : new RxParse[] {new RxParse()};
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
