package io.xdpemu.runtime;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Whether the JVM's JIT compilers are still at work, so that the test-run warm-up can wait until
 * the measured loop runs C2's code and not C1's profiling code still queued for C2. Two signs, both
 * read from the JVM's own management beans: the compile queues and running compilations ({@code
 * jcmd PID Compiler.queue}, the DiagnosticCommand bean's {@code compilerQueue}), and the total
 * compilation time (CompilationMXBean, milliseconds), which moves only when a compilation ends.
 * Either alone misleads: the queue can be empty for a moment between two requests, and one long C2
 * compilation (the JDK's own ASM Frame::execute, 2305 bytes, took seconds on a loaded 2-core host)
 * leaves the total unchanged while the hot path waits behind it. Where the JVM offers neither, the
 * compiler always counts as quiet (the warm-up then keeps only its count and time rules).
 */
final class CompilerActivity {
  private static final CompilationMXBean COMPILER = ManagementFactory.getCompilationMXBean();
  private static final boolean TIMED =
      COMPILER != null && COMPILER.isCompilationTimeMonitoringSupported();

  /** Reading the queue costs a few hundred microseconds: not more often than this. */
  private static final long SAMPLE_EVERY_NANOS = 10_000_000L;

  private final MBeanServer server;
  private final ObjectName commands;
  private long lastTotalMillis = -1;
  private long lastSample = Long.MIN_VALUE;
  private long busyAt;
  private boolean sampled;

  CompilerActivity() {
    MBeanServer s = null;
    ObjectName n = null;
    try {
      s = ManagementFactory.getPlatformMBeanServer();
      n = new ObjectName("com.sun.management:type=DiagnosticCommand");
      if (!s.isRegistered(n)) {
        s = null;
      }
    } catch (JMException | RuntimeException e) {
      s = null;
    }
    this.server = s;
    this.commands = n;
  }

  /**
   * Nanoseconds (System.nanoTime) since the compilers were last seen at work; 0 until the first
   * sample and right after a sample that saw them busy.
   */
  long quietFor(long nowNanos) {
    if (!TIMED && server == null) {
      return Long.MAX_VALUE;
    }
    if (!sampled || nowNanos - lastSample >= SAMPLE_EVERY_NANOS) {
      boolean busy = !sampled || queued();
      if (TIMED) {
        long total = COMPILER.getTotalCompilationTime();
        busy |= total != lastTotalMillis;
        lastTotalMillis = total;
      }
      if (busy) {
        busyAt = nowNanos;
      }
      sampled = true;
      lastSample = nowNanos;
    }
    return nowNanos - busyAt;
  }

  /** Whether a compilation runs or waits (a line naming a compiler thread or a queued task). */
  private boolean queued() {
    if (server == null) {
      return false;
    }
    String text;
    try {
      text =
          (String)
              server.invoke(
                  commands,
                  "compilerQueue",
                  new Object[] {null},
                  new String[] {String[].class.getName()});
    } catch (JMException | RuntimeException e) {
      return false;
    }
    return listsWork(text);
  }

  /**
   * Whether a {@code Compiler.queue} listing names a running compilation (a line naming a compiler
   * thread under "Current compiles:") or a queued task (a line starting with its compile id).
   */
  static boolean listsWork(String queueListing) {
    for (String line : queueListing.split("\n")) {
      String t = line.strip();
      if (t.contains("CompilerThread") || (!t.isEmpty() && Character.isDigit(t.charAt(0)))) {
        return true;
      }
    }
    return false;
  }
}
