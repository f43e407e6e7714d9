package io.xdpemu.cli;

import io.xdpemu.ebpf.UsageException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The command tree on picocli: {@link #tree} lists every subcommand (one line each), {@link
 * #execute} parses, prints help when asked and runs the chosen command. Parse errors become one
 * {@link UsageException} line (exit 2, as shared/docs/cli.md says) naming the problem and the
 * command's {@code --help}; {@link Main} turns exceptions into exit codes.
 */
final class Cli {
  private Cli() {}

  /** The root: {@code xdpemu} alone prints the usage and exits 2. */
  @Command(
      name = "xdpemu",
      description = "A pure-Java XDP emulator with a software NIC model.",
      footer = {
        "",
        "Every command takes --help; --debug shows stack traces.",
        "Exit codes: 0 ok, 1 program rejected or diff mismatch, 2 bad input or usage,",
        "3 internal error (shared/docs/cli.md).",
        "Shell completion (bash, zsh): source <(xdpemu generate-completion)"
      })
  static final class Root extends Subcommand {
    @Spec CommandSpec spec;

    @Option(
        names = "--debug",
        scope = CommandLine.ScopeType.INHERIT,
        description = "show stack traces of errors")
    boolean debug;

    @Override
    public Integer call() {
      spec.commandLine().usage(out);
      return 2;
    }
  }

  /**
   * Every subcommand, in the order of the usage text: one line each. Built lazily: a command line
   * builds only the subcommand it names (picocli reads every command's annotations when it is
   * built, a measurable part of start-up), the usage and completion script build them all.
   */
  static Map<String, Supplier<CommandLine>> table(PrintStream out, PrintStream err) {
    Map<String, Supplier<CommandLine>> t = new LinkedHashMap<>();
    t.put("run", () -> command(new RunCommand(), out, err));
    t.put("test-run", () -> command(new TestRunCommand(), out, err));
    t.put("verify", () -> command(new VerifyCommand(), out, err));
    t.put("disasm", () -> command(new DisasmCommand(), out, err));
    t.put(
        "btf",
        () -> command(new BtfCommand(), out, err).addSubcommand(command(new BtfDump(), out, err)));
    t.put(
        "firmware",
        () ->
            command(new FirmwareCommand(), out, err)
                .addSubcommand(command(new FirmwareCompile(), out, err))
                .addSubcommand(command(new FirmwareCheck(), out, err))
                .addSubcommand(command(new FirmwareDiff(), out, err)));
    t.put("diff", () -> command(new DiffCommand(), out, err));
    t.put("gen-pcap", () -> command(new GenPcapCommand(), out, err));
    t.put("bench", () -> command(new BenchCommand(), out, err));
    t.put(
        "generate-completion",
        () ->
            new CommandLine(new AutoComplete.GenerateCompletion())
                .setOut(writer(out))
                .setErr(writer(err)));
    return t;
  }

  /** The root with the subcommand {@code name}, or with every subcommand when name is not one. */
  static CommandLine tree(PrintStream out, PrintStream err, String name) {
    CommandLine root = command(new Root(), out, err);
    Map<String, Supplier<CommandLine>> t = table(out, err);
    if (t.containsKey(name) && !name.equals("generate-completion")) {
      root.addSubcommand(t.get(name).get());
    } else {
      t.values().forEach(c -> root.addSubcommand(c.get()));
    }
    // A file name may start with '@': never read it as picocli's argument file.
    return root.setExpandAtFiles(false);
  }

  private static CommandLine command(Subcommand c, PrintStream out, PrintStream err) {
    c.out = out;
    c.err = err;
    CommandLine cl = new CommandLine(c).setOut(writer(out)).setErr(writer(err));
    cl.getCommandSpec().usageMessage().synopsisHeading("usage: ").sortOptions(false);
    return cl;
  }

  private static PrintWriter writer(PrintStream s) {
    return new PrintWriter(new java.io.OutputStreamWriter(s, StandardCharsets.UTF_8), true);
  }

  /** Parses {@code args}, prints help when asked, runs the command; returns its exit code. */
  static int execute(String[] args, PrintStream out, PrintStream err) {
    CommandLine root = tree(out, err, firstWord(args));
    ParseResult parsed;
    try {
      parsed = root.parseArgs(args);
    } catch (ParameterException e) {
      String unknown = unknownOption(e.getCommandLine().getCommandSpec(), args);
      throw new UsageException(unknown != null ? unknown : message(e));
    }
    if (CommandLine.printHelpIfRequested(parsed)) {
      return 0;
    }
    List<CommandLine> chosen = parsed.asCommandLineList();
    Object command = chosen.get(chosen.size() - 1).getCommand();
    if (command instanceof Subcommand c) {
      return c.call();
    }
    ((Runnable) command).run();
    return 0;
  }

  /**
   * The first option {@code spec} does not know, as the message bpftool would give; picocli checks
   * required parameters before it reports unknown options, and the unknown option is the better
   * explanation of a command line like {@code run --frobnicate}.
   */
  private static String unknownOption(CommandSpec spec, String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--")) {
        return null;
      }
      if (!a.startsWith("-") || a.length() == 1) {
        continue;
      }
      int eq = a.indexOf('=');
      String name = eq > 0 ? a.substring(0, eq) : a;
      OptionSpec o = spec.findOption(name);
      if (o == null) {
        String cmd = spec.qualifiedName(" ");
        return "unknown option '" + name + "' for '" + cmd + "' (see " + cmd + " --help)";
      }
      if (eq < 0 && o.arity().max() > 0) {
        i++; // its value
      }
    }
    return null;
  }

  /** The first argument that is not an option: the subcommand's name, if any. */
  private static String firstWord(String[] args) {
    for (String a : args) {
      if (!a.startsWith("-")) {
        return a;
      }
    }
    return "";
  }

  /** One line: what is wrong, and where the help is. */
  static String message(ParameterException e) {
    String name = e.getCommandLine().getCommandSpec().qualifiedName(" ");
    if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String arg = u.getUnmatched().get(0);
      if (arg.startsWith("-")) {
        return "unknown option '" + arg + "' for '" + name + "' (see " + name + " --help)";
      }
      if (!e.getCommandLine().getSubcommands().isEmpty()) {
        return "unknown command '" + arg + "' (see " + name + " --help)";
      }
      return "unexpected argument '" + arg + "' for '" + name + "' (see " + name + " --help)";
    }
    String m = e.getMessage().replace('\n', ' ').strip();
    return name.substring(name.indexOf(' ') + 1) + ": " + m + " (see " + name + " --help)";
  }
}
