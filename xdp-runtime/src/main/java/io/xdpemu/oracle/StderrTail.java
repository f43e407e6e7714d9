package io.xdpemu.oracle;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * Drains a child process's stderr on a daemon thread (a full pipe would block the child) and keeps
 * its last characters: libbpf's messages, and the verifier log when a load fails.
 */
final class StderrTail {
  private static final int KEEP_CHARS = 64 * 1024;
  private static final long END_WAIT_MILLIS = 5_000;

  private final StringBuilder text = new StringBuilder();
  private final Thread thread;

  private StderrTail(Process process) {
    this.thread = new Thread(() -> pump(process), "xdpemu-oracle-stderr");
    thread.setDaemon(true);
  }

  static StderrTail drain(Process process) {
    StderrTail tail = new StderrTail(process);
    tail.thread.start();
    return tail;
  }

  private void pump(Process process) {
    char[] buf = new char[4096];
    try (Reader in = new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        synchronized (text) {
          text.append(buf, 0, n);
          if (text.length() > KEEP_CHARS) {
            text.delete(0, text.length() - KEEP_CHARS);
          }
        }
      }
    } catch (IOException e) {
      // The process ended or its stream was closed: what was read is all there is.
    }
  }

  /** Waits (bounded) until the child closed stderr, so that text() is complete. */
  void awaitEnd() throws InterruptedException {
    thread.join(END_WAIT_MILLIS);
  }

  String text() {
    synchronized (text) {
      return text.toString();
    }
  }

  /** "" when empty, else the text after a newline and a heading, for exception messages. */
  String textWithHeading() {
    String t = text().strip();
    return t.isEmpty() ? "" : "\nlibbpf/kernel output:\n" + t;
  }
}
