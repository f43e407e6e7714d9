package io.xdpemu.cli;

import io.xdpemu.ebpf.InternalErrorException;
import io.xdpemu.ebpf.UsageException;
import io.xdpemu.ebpf.XdpemuException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of {@code ./xdpemu}: dispatches to a subcommand and turns every deliberate error into
 * one line and an exit code (0 ok, 1 rejected/mismatch, 2 bad input or usage, 3 a bug of ours). A
 * stack trace is printed only with {@code --debug}.
 */
public final class Main {
  private Main() {}

  static final String USAGE =
      String.join(
          "\n",
          "usage: xdpemu <command> [options]",
          "",
          "commands:",
          "  run PROG.o --pcap FILE ...     replay captures through the NIC and the program",
          "  test-run PROG.o --data-in F    run one packet, like bpftool prog run",
          "  verify PROG.o                  load, apply CO-RE and verify; print the log",
          "  disasm PROG.o                  the program after loading, in the kernel's notation",
          "  btf dump FILE                  dump BTF like bpftool btf dump file",
          "  firmware compile FW ...        validate firmware, export its layout as BTF",
          "  diff PROG.o --pcap FILE        compare against the running kernel",
          "",
          "every command takes --help; --debug shows stack traces");

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs a command line; returns the exit code. Used by tests too. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    List<String> argv = Arrays.asList(args);
    boolean debug = argv.contains("--debug");
    try {
      if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
        out.println(USAGE);
        return args.length == 0 ? 2 : 0;
      }
      String[] rest = Arrays.copyOfRange(args, 1, args.length);
      Command cmd = Commands.lookup(args[0]);
      if (cmd == null) {
        throw new UsageException("unknown command '" + args[0] + "' (see xdpemu --help)");
      }
      return cmd.run(rest, out, err);
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
