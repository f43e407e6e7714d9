package io.xdpemu.cli;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.runtime.Attach;
import io.xdpemu.runtime.LoadOptions;
import io.xdpemu.runtime.LoadPipeline;
import io.xdpemu.verifier.VerifierResult;
import java.io.PrintStream;
import java.util.Locale;

/**
 * {@code xdpemu verify PROG.o [--log-level 1|2] [--json]}: loads, applies CO-RE and verifies;
 * prints the verifier log in the kernel's style (last line {@code processed N insns ...} on
 * success, the kernel's message on rejection, exit 1).
 */
final class VerifyCommand implements Command {
  static final ArgParser PARSER =
      CommonOptions.register(
          new ArgParser("verify", "PROG.o [--log-level 1|2] [--json] [options]")
              .positional("PROG.o", "the BPF object")
              .option("--log-level", "1|2", "1: the rejection path (default); 2: every state")
              .flag("--json", "print {\"accepted\":..,\"processed\":..,...,\"log\":\"..\"}"));

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) {
    ArgParser.Parsed a = PARSER.parse(args);
    if (a.has("--help")) {
      out.println(PARSER.help());
      return 0;
    }
    LoadOptions o = CommonOptions.from(a, a.positional(0));
    int level = (int) a.getLong("--log-level", 1, 1, 2);
    if (!o.verify()) {
      throw new UsageException("'xdpemu verify' with --no-verify has nothing to do");
    }
    LoadPipeline.Relocated r = LoadPipeline.relocate(o, Attach.firmwareBtfFor(o));
    r.object().warnings().forEach(w -> err.println("xdpemu: warning: " + w));
    VerifierResult v = LoadPipeline.verify(o, r.object(), r.spec(), r.insns(), level);
    String log = v.log();
    if (v.accepted() && !log.strip().endsWith(v.statsLine())) {
      log = log + (log.isEmpty() || log.endsWith("\n") ? "" : "\n") + v.statsLine() + "\n";
    }
    if (!v.accepted() && r.core() != null) {
      String why = LoadPipeline.rejection(v, r.core());
      String[] verifierLines = v.errorMessage().strip().split("\n");
      if (!why.equals(verifierLines[verifierLines.length - 1])) {
        // libbpf appends its explanation of a poisoned CO-RE slot after the kernel's log.
        log =
            log
                + (log.endsWith("\n") ? "" : "\n")
                + "libbpf: prog '"
                + r.spec().name()
                + "': relo #0: "
                + why
                + "\n";
      }
    }
    if (a.has("--json")) {
      out.println(
          String.format(
              Locale.ROOT,
              "{\"program\":%s,\"accepted\":%b,\"processed\":%d,\"max_states_per_insn\":%d,"
                  + "\"total_states\":%d,\"peak_states\":%d,\"error\":%s,\"log\":%s}",
              quote(r.spec().name()),
              v.accepted(),
              v.insnProcessed(),
              v.maxStatesPerInsn(),
              v.totalStates(),
              v.peakStates(),
              v.accepted() ? "null" : quote(LoadPipeline.rejection(v, r.core())),
              quote(log)));
    } else {
      out.print(log.endsWith("\n") ? log : log + "\n");
    }
    return v.accepted() ? 0 : 1;
  }

  static String quote(String s) {
    return io.xdpemu.ebpf.json.JsonWriter.compact(io.xdpemu.ebpf.json.JsonString.of(s));
  }
}
