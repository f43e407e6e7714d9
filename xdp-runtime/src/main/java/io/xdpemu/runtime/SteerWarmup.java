package io.xdpemu.runtime;

import io.xdpemu.nic.Nic;
import io.xdpemu.nic.RxParse;
import io.xdpemu.pcap.Capture;
import io.xdpemu.runtime.gen.TrafficGenerator;
import java.util.List;

/**
 * While a long replay is being prepared (its captures opened and checked end to end, which takes
 * one core a while for a large file), a background thread steers frames through the NIC (the first
 * capture's first frames and generated ones), the way the replay will, so that the JVM compiles the
 * firmware's steer code, the largest method of the data path, before the replay starts rather than
 * during it - and compiles it for what the replay does: a branch or a kind of frame the warm-up
 * never saw throws the compiled code away at the replay's first such frame (an uncommon trap), and
 * the optimizing compiler takes it again while the replay runs. Steering only reads the frame and
 * writes a scratch parse result (no queue, ring, counter or map is touched), so this changes no
 * output; the thread stops as soon as the replay starts, whether it finished or not, so it never
 * delays it.
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

  /** Frames read from the start of the first capture (the traffic the replay will see). */
  private static final int CAPTURE_FRAMES = 16384;

  private SteerWarmup(Nic nic, java.nio.file.Path first, int lanes) {
    thread = new Thread(() -> steer(nic, first, lanes), "xdpemu-steer-warmup");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Starts warming {@code nic}'s steer code when the captures are large, else does nothing. {@code
   * lanes}: the lanes the replay will run ({@link Replay#lanes}); with several, the frames are
   * steered as the lanes steer them (each into a parse result that stops at the queue of another
   * lane's frame), so the compiled code has seen both ways out of the steer.
   */
  static SteerWarmup startIfWorthIt(
      Nic nic, long captureBytes, List<java.nio.file.Path> captures, int lanes) {
    return captureBytes >= MIN_CAPTURE_BYTES && !captures.isEmpty()
        ? new SteerWarmup(nic, captures.get(0), lanes)
        : null;
  }

  /**
   * Steers the first frames of the first capture (what the replay will see first: a kind of frame
   * the warm-up never steered would also throw the compiled steer away) and generated frames of
   * every kind the generator makes, in turn.
   */
  private void steer(Nic nic, java.nio.file.Path first, int lanes) {
    List<byte[]> real = Capture.leadingFrames(first, CAPTURE_FRAMES);
    TrafficGenerator gen = new TrafficGenerator("mixed", 1);
    byte[][] frames = new byte[real.size() + DISTINCT_FRAMES][];
    for (int i = 0; i < frames.length; i++) {
      if (stop) {
        return; // the replay has started: nothing steered yet, nothing to warm
      }
      frames[i] = i < real.size() ? real.get(i) : gen.next().toArray();
    }
    // The replay steers a frame where it lies in a capture held in memory, or from a slot's buffer
    // it was copied into (a mapped capture): both, in turn, so neither looks never seen.
    int total = 0;
    int longest = 0;
    for (byte[] f : frames) {
      total += f.length;
      longest = Math.max(longest, f.length);
    }
    byte[] all = new byte[total];
    int[] at = new int[frames.length];
    for (int i = 0, o = 0; i < frames.length; o += frames[i].length, i++) {
      at[i] = o;
      System.arraycopy(frames[i], 0, all, o, frames[i].length);
    }
    byte[] slot = new byte[longest];
    RxParse[] scratch = parses(nic, lanes);
    for (int n = 0; n < MAX_FRAMES && !stop; n++) {
      if (n % RENEW_EVERY == RENEW_EVERY - 1) {
        scratch = parses(nic, lanes);
      }
      int i = n % frames.length;
      int len = frames[i].length;
      RxParse p = scratch[n % scratch.length];
      if ((n & 1) == 0) {
        nic.steer(all, at[i], len, p);
      } else {
        System.arraycopy(all, at[i], slot, 0, len);
        nic.steer(slot, 0, len, p);
      }
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
