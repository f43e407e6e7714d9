package io.xdpemu.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

/**
 * A subcommand: a picocli {@code @Command} class whose {@link #call} returns the exit code. Its
 * {@code out}/{@code err} are the streams {@link Main#run} was given (tests capture them); the
 * options are picocli {@code @Option}/{@code @Parameters} fields, shared ones through {@code @Mixin
 * CommonOptions}. Adding a subcommand: write the class and add one line to {@link Cli#table}.
 */
abstract class Subcommand implements Callable<Integer> {
  PrintStream out = System.out;
  PrintStream err = System.err;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "show this help and exit")
  boolean help;

  /** Runs the command (its options are set); returns the exit code. */
  @Override
  public abstract Integer call();
}
