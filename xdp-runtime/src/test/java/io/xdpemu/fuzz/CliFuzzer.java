package io.xdpemu.fuzz;

import io.xdpemu.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;

/**
 * Feeds mutants of seed files to one xdpemu command, in process, and judges each outcome by the CLI
 * contract: exit 0 or 1 (accepted, rejected, mismatch) is fine, exit 2 is fine when its one line
 * names the mutant's file; anything else (exit 3, an exception escaping {@link Main#run}, an
 * OutOfMemoryError, a hang past the timeout) is a failure, kept with its case number and a copy of
 * the mutant under {@code target/fuzz-failures/} to reproduce it.
 */
final class CliFuzzer {
  /** What the command is given: the mutant's path to the command line. */
  record Target(
      String name,
      String extension,
      List<byte[]> seeds,
      boolean text,
      BiFunction<Integer, Path, String[]> argv) {}

  /** The figures of one run. */
  record Report(String format, int cases, int ok, int badInput, List<String> failures) {
    String line() {
      return format
          + ": "
          + cases
          + " mutants, "
          + ok
          + " accepted/rejected, "
          + badInput
          + " bad input (exit 2, file named), "
          + failures.size()
          + " unexpected";
    }
  }

  private static final int MAX_KEPT = 20;

  /** A hang, not a slow case: a mutant may make the verifier walk its full 1M-insn budget. */
  private static final long TIMEOUT_MS = 120_000;

  private CliFuzzer() {}

  static Report run(Target t, long seed, int cases, Path work) throws IOException {
    Files.createDirectories(work);
    Path keep = Path.of("target", "fuzz-failures", t.name());
    Random rnd = new Random(seed);
    int ok = 0;
    int bad = 0;
    List<String> failures = new ArrayList<>();
    ExecutorService exec = Executors.newSingleThreadExecutor(CliFuzzer::daemon);
    try {
      for (int i = 0; i < cases; i++) {
        byte[] seedBytes = t.seeds().get(rnd.nextInt(t.seeds().size()));
        byte[] mutant = Mutator.mutate(seedBytes, rnd, t.text());
        Path file = work.resolve("mutant-" + i + t.extension());
        Files.write(file, mutant);
        String[] argv = t.argv().apply(i, file);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String verdict;
        try {
          int code = exec.submit(() -> runMain(argv, err)).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
          String msg = err.toString(StandardCharsets.UTF_8).strip();
          boolean named = msg.contains(file.getFileName().toString());
          if (code == 0 || (code == 1 && (msg.isEmpty() || named))) {
            ok++;
            verdict = null;
          } else if (code == 2 && named) {
            bad++;
            verdict = null;
          } else if (code == 1 || code == 2) {
            verdict = "exit " + code + " without the file's name: " + firstLine(msg);
          } else {
            verdict = "exit " + code + ": " + firstLine(msg);
          }
        } catch (TimeoutException e) {
          verdict = "no answer within " + TIMEOUT_MS + " ms";
          exec.shutdownNow();
          exec = Executors.newSingleThreadExecutor(CliFuzzer::daemon);
        } catch (Exception e) {
          verdict = "escaped Main.run: " + e.getCause();
        }
        if (verdict != null) {
          failures.add("case " + i + ": " + verdict);
          if (failures.size() <= MAX_KEPT) {
            Files.createDirectories(keep);
            Files.write(keep.resolve("case-" + seed + "-" + i + t.extension()), mutant);
          }
        }
        Files.deleteIfExists(file);
      }
    } finally {
      exec.shutdownNow();
    }
    return new Report(t.name(), cases, ok, bad, failures);
  }

  private static int runMain(String[] argv, ByteArrayOutputStream err) {
    PrintStream sink = new PrintStream(OutputStreamSink.INSTANCE, false, StandardCharsets.UTF_8);
    return Main.run(argv, sink, new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "fuzz-case");
    t.setDaemon(true);
    return t;
  }

  /** Discards standard output (dumps and logs are large and not judged). */
  private static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
