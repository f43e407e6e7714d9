package io.xdpemu.cli;

import java.io.PrintStream;

/** One subcommand; {@code args} excludes the command name. Returns the exit code. */
public interface Command {
  int run(String[] args, PrintStream out, PrintStream err);
}
