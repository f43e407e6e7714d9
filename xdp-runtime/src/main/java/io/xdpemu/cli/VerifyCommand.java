package io.xdpemu.cli;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.ebpf.jackson.JsonOut;
import io.xdpemu.runtime.LoadOptions;
import io.xdpemu.runtime.LoadPipeline;
import io.xdpemu.runtime.TargetBtf;
import io.xdpemu.verifier.VerifierResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code xdpemu verify PROG.o [--log-level 1|2] [--json]}: loads, applies CO-RE and verifies;
 * prints the verifier log in the kernel's style (last line {@code processed N insns ...} on
 * success, the kernel's message on rejection, exit 1).
 */
@Command(
    name = "verify",
    description = "Load, apply CO-RE and verify; print the verifier log in the kernel's style.")
final class VerifyCommand extends Subcommand {
  @Parameters(paramLabel = "PROG.o", description = "the BPF object")
  String object;

  @Option(
      names = "--log-level",
      paramLabel = "1|2",
      description = "1: the rejection path (default); 2: every state")
  long logLevel = 1;

  @Option(
      names = "--json",
      description = "print {\"accepted\":..,\"processed\":..,...,\"log\":\"..\"}")
  boolean json;

  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    LoadOptions o = common.load(object);
    int level = (int) CommonOptions.inRange("--log-level", logLevel, 1, 2);
    if (!o.verify()) {
      throw new UsageException("'xdpemu verify' with --no-verify has nothing to do");
    }
    LoadPipeline.Relocated r = LoadPipeline.relocate(o, () -> TargetBtf.of(o));
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
    if (json) {
      String finalLog = log;
      out.println(
          JsonOut.compact(
              g -> {
                g.writeStartObject();
                g.writeStringField("program", r.spec().name());
                g.writeBooleanField("accepted", v.accepted());
                g.writeNumberField("processed", v.insnProcessed());
                g.writeNumberField("max_states_per_insn", v.maxStatesPerInsn());
                g.writeNumberField("total_states", v.totalStates());
                g.writeNumberField("peak_states", v.peakStates());
                g.writeStringField(
                    "error", v.accepted() ? null : LoadPipeline.rejection(v, r.core()));
                g.writeStringField("log", finalLog);
                g.writeEndObject();
              }));
    } else {
      out.print(log.endsWith("\n") ? log : log + "\n");
    }
    return v.accepted() ? 0 : 1;
  }
}
