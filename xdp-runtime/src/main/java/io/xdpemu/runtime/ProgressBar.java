package io.xdpemu.runtime;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * A one-line progress bar redrawn in place with carriage returns, at most ten times a second, and
 * erased when done. Only used when the output is a terminal (tcpreplay and xdp-bench print nothing
 * of the kind into files).
 */
public final class ProgressBar implements LongConsumer {
  private static final int WIDTH = 30;

  private final PrintStream out;
  private final long total;
  private final long started = System.nanoTime();
  private long lastDraw;

  public ProgressBar(PrintStream out, long total) {
    this.out = out;
    this.total = Math.max(total, 1);
  }

  /** True when this JVM's standard output is a terminal. */
  public static boolean terminal() {
    return System.console() != null;
  }

  @Override
  public void accept(long done) {
    long now = System.nanoTime();
    if (done < total && now - lastDraw < 100_000_000L) {
      return;
    }
    lastDraw = now;
    int filled = (int) (WIDTH * Math.min(done, total) / total);
    double secs = (now - started) / 1e9;
    out.print(
        String.format(
            Locale.ROOT,
            "\r[%s%s] %3d%% %,d/%,d packets %,.0f pps",
            "=".repeat(filled),
            " ".repeat(WIDTH - filled),
            100 * Math.min(done, total) / total,
            done,
            total,
            secs > 0 ? done / secs : 0));
    out.flush();
  }

  /** Erases the bar. */
  public void clear() {
    out.print("\r" + " ".repeat(WIDTH + 60) + "\r");
    out.flush();
  }
}
