package io.xdpemu.cli;

import io.xdpemu.ebpf.InternalErrorException;
import io.xdpemu.ebpf.XdpemuException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of {@code ./xdpemu}: runs the command line ({@link Cli}, on picocli) and turns every
 * deliberate error into one line and an exit code (0 ok, 1 rejected/mismatch, 2 bad input or usage,
 * 3 a bug of ours). A stack trace is printed only with {@code --debug}.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs a command line; returns the exit code. Used by tests too. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    List<String> argv = Arrays.asList(args);
    boolean debug = argv.contains("--debug");
    try {
      return Cli.execute(args, out, err);
    } catch (XdpemuException e) {
      err.println("xdpemu: " + e.getMessage());
      if (debug) {
        e.printStackTrace(err);
      }
      return e.exitCode();
    } catch (java.io.UncheckedIOException e) {
      err.println("xdpemu: I/O error: " + e.getCause().getMessage());
      if (debug) {
        e.printStackTrace(err);
      }
      return 2;
    } catch (RuntimeException | Error e) {
      // Anything not thrown on purpose is a bug of ours: exit 3, never disguised as bad input.
      err.println("xdpemu: " + InternalErrorException.message(e.toString()));
      if (debug) {
        e.printStackTrace(err);
      }
      return InternalErrorException.EXIT_CODE;
    }
  }
}
