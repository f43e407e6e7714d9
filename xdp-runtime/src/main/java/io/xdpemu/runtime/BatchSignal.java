package io.xdpemu.runtime;

import io.xdpemu.ebpf.vm.LinePadded;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A monotonic counter the replay's threads meet on, once or twice per batch: waiters spin briefly,
 * then park until the counter reaches their target; whoever advances it unparks the other
 * participants. No yielding: on a loaded machine a yield can give the core away for a whole time
 * slice, while an unpark wakes the waiter at once. It replaces a lock-based barrier, whose park and
 * unpark on every batch cost as much as steering a hundred frames: on a machine with as many cores
 * as queues the peer is usually a few microseconds away, and a short spin catches it without a
 * system call.
 */
final class BatchSignal extends LinePadded {
  /** Spins before parking: a few microseconds, the time a peer needs for a few frames. */
  private static final int SPINS = 1 << 9;

  private static final java.lang.invoke.VarHandle COUNT;

  static {
    try {
      COUNT =
          java.lang.invoke.MethodHandles.lookup()
              .findVarHandle(BatchSignal.class, "count", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Padded ({@link LinePadded}): waiters spin on it, so nothing written per frame may share it. */
  private volatile long count;

  private volatile Thread[] parties = new Thread[0];

  /** The threads to unpark when the counter moves (set before the first batch). */
  void parties(Thread... threads) {
    parties = threads.clone();
  }

  long value() {
    return count;
  }

  /** Adds one and wakes every party but the caller. */
  void advance() {
    COUNT.getAndAdd(this, 1L);
    wake();
  }

  private void wake() {
    Thread self = Thread.currentThread();
    for (Thread t : parties) {
      if (t != self) {
        LockSupport.unpark(t);
      }
    }
  }

  /** Moves the counter to {@code value} if it is below, and wakes every party but the caller. */
  void advanceTo(long value) {
    COUNT.getAndAdd(this, Math.max(0, value - count)); // only its owner writes the counter
    wake();
  }

  /**
   * Waits until the counter is at least {@code target}; returns false, without waiting longer, once
   * {@code stop} says so (the replay shut down).
   */
  boolean await(long target, BooleanSupplier stop) {
    for (int i = 0; count < target; i++) {
      if (stop.getAsBoolean()) {
        return false;
      }
      if (i < SPINS) {
        Thread.onSpinWait();
      } else {
        // A missed unpark costs at most this long; advance() unparks after the increment, and a
        // permit left by an earlier unpark only makes one wait return early and loop.
        LockSupport.parkNanos(this, 1_000_000L);
      }
    }
    return true;
  }
}
