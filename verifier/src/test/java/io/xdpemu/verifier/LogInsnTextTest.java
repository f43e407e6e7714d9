package io.xdpemu.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.isa.Opcodes;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The instruction text of the verifier log is the kernel's, byte for byte: every {@code N: (op)
 * text} line Linux 6.18 wrote for the shared corpus (kernel-logs/, level 2, both modes) has the
 * same text in xdpemu's log at the same index. A privileged loader's {@code ld_imm64} of a map
 * shows a kernel address no emulator has, so those lines are left out in that mode only.
 */
class LogInsnTextTest {
  /** "12: (18) r1 = 0x0 ; R1=..." or the live-regs listing's " 12: .1........ (18) ...". */
  private static final Pattern INSN_LINE =
      Pattern.compile("^\\s*(\\d+): (?:[.0-9]{10} )?(\\([0-9a-f]{2}\\) .*?)(?:\\s+;.*)?$");

  /**
   * Lines whose instruction the kernel never saw as compiled: the loader changed it first. libbpf
   * (bpf_object__sanitize_prog) calls bpf_probe_read#4 instead of bpf_probe_read_kernel#113 when
   * its feature probe for the latter fails, as it does without CAP_PERFMON.
   */
  private static final Map<String, String> LOADER_REWRITES =
      Map.of(
          "safe_06_probe_read_kernel.noperfmon.vlog:5", "libbpf: probe_read_kernel -> probe_read");

  static Map<Integer, String> insnTexts(String log) {
    Map<Integer, String> out = new TreeMap<>();
    for (String line : log.split("\n")) {
      Matcher m = INSN_LINE.matcher(line);
      if (m.matches()) {
        out.put(Integer.parseInt(m.group(1)), m.group(2));
      }
    }
    return out;
  }

  static void check(String name, boolean privileged) throws Exception {
    String vlog = name + (privileged ? ".priv.vlog" : ".noperfmon.vlog");
    var path = CorpusPrograms.corpus().resolve("kernel-logs").resolve(vlog);
    if (!Files.exists(path)) {
      return;
    }
    CorpusPrograms.Loaded p = CorpusPrograms.load(name);
    VerifierOptions opts =
        (privileged ? VerifierOptions.privileged(p.info()) : VerifierOptions.unprivileged(p.info()))
            .withLogLevel(2);
    Map<Integer, String> ours = insnTexts(Verifier.verify(p.insns(), opts).log());
    List<String> differ = new ArrayList<>();
    int compared = 0;
    for (var e : insnTexts(Files.readString(path)).entrySet()) {
      int pc = e.getKey();
      if (privileged
          && p.insns()[pc].opcode() == Opcodes.LD_IMM64
          && p.insns()[pc].src() != 0
          && p.insns()[pc].src() != Opcodes.PSEUDO_FUNC) {
        continue;
      }
      if (LOADER_REWRITES.containsKey(vlog + ":" + pc)) {
        continue;
      }
      compared++;
      if (!e.getValue().equals(ours.get(pc))) {
        differ.add(pc + ": kernel '" + e.getValue() + "', ours '" + ours.get(pc) + "'");
      }
    }
    assertTrue(compared > 0, vlog + ": no instruction lines compared");
    assertEquals(List.of(), differ, vlog);
  }

  @Test
  void theCorpusIsThere() throws Exception {
    CorpusPrograms.corpus();
  }

  @TestFactory
  Stream<DynamicTest> instructionTextEqualsTheKernelsInBothModes() throws Exception {
    return CorpusPrograms.results().stream()
        .flatMap(
            row ->
                Stream.of(
                    DynamicTest.dynamicTest(row.name() + " root", () -> check(row.name(), true)),
                    DynamicTest.dynamicTest(
                        row.name() + " unprivileged", () -> check(row.name(), false))));
  }
}
