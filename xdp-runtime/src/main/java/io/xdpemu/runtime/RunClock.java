package io.xdpemu.runtime;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The clock of {@code test-run --repeat}: the calling thread's CPU time where the JVM offers it,
 * else wall-clock time. The kernel's BPF_PROG_TEST_RUN stops its timer while it reschedules
 * (net/bpf/test_run.c, bpf_test_timer_continue: timer leave, cond_resched, timer enter), so on a
 * loaded machine its figure stays the program's own time; a wall clock here would add every slice
 * the scheduler gave to other processes, and the ratio would measure the load, not the program.
 */
final class RunClock {
  private RunClock() {}

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported() && enable();

  private static boolean enable() {
    try {
      if (!THREADS.isThreadCpuTimeEnabled()) {
        THREADS.setThreadCpuTimeEnabled(true);
      }
      return THREADS.isThreadCpuTimeEnabled();
    } catch (UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  /** Nanoseconds on the clock; only differences are meaningful. */
  static long now() {
    return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
  }
}
