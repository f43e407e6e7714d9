package io.xdpemu.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The 24 programs of ../shared/verifier-corpus, verified in both modes, against the verdicts and
 * key log lines Linux 6.18 gave (results.tsv): same verdict, the same statistics line (processed
 * instructions, max_states_per_insn, total_states, peak_states of kernel-logs/), and on rejection a
 * message of the same family (numbers and helper names normalized).
 */
class KernelCorpusAgreementTest {

  static String family(String s) {
    return s.replaceAll("bpf_\\w+#\\d+", "bpf_X#N").replaceAll("-?\\d+", "N").trim();
  }

  static void check(
      String name, boolean privileged, String verdict, String keyLine, int kernelInsns)
      throws Exception {
    CorpusPrograms.Loaded p = CorpusPrograms.load(name);
    VerifierOptions opts =
        privileged
            ? VerifierOptions.privileged(p.info())
                .withLogLevel(name.startsWith("unsafe_05") ? 0 : 2)
            : VerifierOptions.unprivileged(p.info())
                .withLogLevel(name.startsWith("unsafe_05") ? 0 : 2);
    VerifierResult r = Verifier.verify(p.insns(), opts);
    String mode = privileged ? "root" : "unprivileged";
    java.nio.file.Files.writeString(
        java.nio.file.Paths.get("target", "verifier-corpus", name + "." + mode + ".vlog"), r.log());
    String kernelStats = kernelStats(name + (privileged ? ".priv.vlog" : ".noperfmon.vlog"));
    if (kernelStats != null) {
      // processed, max_states_per_insn, total_states, peak_states: all the kernel's
      assertEquals(kernelStats, ourStats(r), name + " (" + mode + ") statistics");
    } else if (kernelInsns > 0) {
      assertEquals(kernelInsns, r.insnProcessed(), name + " (" + mode + ") processed insns");
    }
    assertEquals(
        verdict.equals("ACCEPTED"),
        r.accepted(),
        name
            + " ("
            + mode
            + "): expected "
            + verdict
            + ", got "
            + r.errorMessage()
            + "\n"
            + tail(r.log()));
    if (!r.accepted()) {
      String[] parts = keyLine.split(" \\| ");
      String expectedLast = family(parts[parts.length - 1]);
      List<String> mine = new ArrayList<>();
      for (String l : r.errorMessage().split("\n")) {
        mine.add(family(l));
      }
      assertTrue(
          mine.contains(expectedLast),
          name
              + " ("
              + mode
              + "): kernel says '"
              + keyLine
              + "', we say '"
              + r.errorMessage()
              + "'");
    }
  }

  private static final java.util.regex.Pattern STATS =
      java.util.regex.Pattern.compile(
          "processed (\\d+) insns \\(limit \\d+\\) max_states_per_insn (\\d+) total_states"
              + " (\\d+) peak_states (\\d+)");

  /** The statistics line of a recorded kernel log as "N M T P", null when absent. */
  static String kernelStats(String vlog) throws java.io.IOException {
    java.nio.file.Path p = CorpusPrograms.corpus().resolve("kernel-logs").resolve(vlog);
    if (!java.nio.file.Files.exists(p)) {
      return null;
    }
    var m = STATS.matcher(java.nio.file.Files.readString(p));
    String last = null;
    while (m.find()) {
      last = m.group(1) + " " + m.group(2) + " " + m.group(3) + " " + m.group(4);
    }
    return last;
  }

  static String ourStats(VerifierResult r) {
    return r.insnProcessed()
        + " "
        + r.maxStatesPerInsn()
        + " "
        + r.totalStates()
        + " "
        + r.peakStates();
  }

  /** "processed N insns" of a recorded kernel log, 0 when absent. */
  static int kernelProcessed(String vlog) throws java.io.IOException {
    java.nio.file.Path p = CorpusPrograms.corpus().resolve("kernel-logs").resolve(vlog);
    var m =
        java.util.regex.Pattern.compile("processed (\\d+) insns")
            .matcher(java.nio.file.Files.readString(p));
    int n = 0;
    while (m.find()) {
      n = Integer.parseInt(m.group(1));
    }
    return n;
  }

  private static String tail(String log) {
    String[] lines = log.split("\n");
    int from = Math.max(0, lines.length - 40);
    return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
  }

  /** A missing corpus or clang is a visible skip here (the factories below would count 0). */
  @Test
  void theCorpusAndClangAreThere() throws Exception {
    CorpusPrograms.corpus();
    CorpusPrograms.load(CorpusPrograms.results().get(0).name());
  }

  @TestFactory
  Stream<DynamicTest> rootColumnMatchesLinux618() throws Exception {
    return CorpusPrograms.results().stream()
        .map(
            row ->
                DynamicTest.dynamicTest(
                    row.name(),
                    () ->
                        check(
                            row.name(), true, row.privVerdict(), row.privKey(), row.privInsns())));
  }

  @TestFactory
  Stream<DynamicTest> unprivilegedColumnMatchesLinux618() throws Exception {
    return CorpusPrograms.results().stream()
        .map(
            row ->
                DynamicTest.dynamicTest(
                    row.name(),
                    () ->
                        check(
                            row.name(),
                            false,
                            row.unprivVerdict(),
                            row.unprivKey(),
                            kernelProcessed(row.name() + ".noperfmon.vlog"))));
  }
}
