package io.xdpemu.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.btf.BaseBtf;
import io.xdpemu.ebpf.core.CoreRelocator;
import io.xdpemu.ebpf.core.CoreTarget;
import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.ebpf.elf.BpfObjectReader;
import io.xdpemu.ebpf.elf.ProgramSpec;
import io.xdpemu.ebpf.isa.Insn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The project's example programs (examples/*.o and examples/{maps,seed,firmware}/*.o, prebuilt,
 * CO-RE relocated against the running kernel's BTF) against what Linux 6.18 said about them
 * (examples-kernel-verdicts.tsv), as root and as a CAP_BPF + CAP_NET_ADMIN loader: same verdict,
 * the kernel's last message on rejection, and the same statistics (processed instructions,
 * max_states_per_insn, total_states, peak_states). The differences that remain are exactly those of
 * examples-known-differences.txt, each with its cause.
 */
class ExamplesAgreementTest {
  private static final String[] FIELDS = {
    "processed", "max_states_per_insn", "total_states", "peak_states"
  };

  static Path examples() {
    String root = System.getProperty("xdpemu.root");
    Path dir = root != null ? Paths.get(root, "examples") : Paths.get("..", "examples");
    Assumptions.assumeTrue(Files.isDirectory(dir), "examples not found at " + dir);
    return dir;
  }

  /** The instructions after CO-RE against the running kernel's BTF, as libbpf loads them. */
  static Insn[] relocated(BpfObject obj, ProgramSpec spec) {
    if (obj.btfExt() == null) {
      return spec.insns();
    }
    return CoreRelocator.relocate(obj, new CoreTarget(BaseBtf.load(null)), spec.name()).insns();
  }

  private static List<String[]> rows() throws Exception {
    String tsv;
    try (var in =
        ExamplesAgreementTest.class.getResourceAsStream("/examples-kernel-verdicts.tsv")) {
      tsv = new String(in.readAllBytes());
    }
    return tsv.lines()
        .filter(l -> !l.startsWith("#") && !l.startsWith("name\t") && !l.isBlank())
        .map(l -> l.split("\t"))
        .toList();
  }

  private static TreeSet<String> knownDifferences() throws Exception {
    String txt;
    try (var in =
        ExamplesAgreementTest.class.getResourceAsStream("/examples-known-differences.txt")) {
      txt = new String(in.readAllBytes());
    }
    TreeSet<String> out = new TreeSet<>();
    txt.lines()
        .filter(l -> !l.startsWith("#") && !l.isBlank())
        .forEach(l -> out.add(String.join(" ", java.util.Arrays.copyOf(l.split(" "), 5))));
    return out;
  }

  private static VerifierResult verify(Path dir, String name, boolean privileged) throws Exception {
    BpfObject obj = BpfObjectReader.read(dir.resolve(name + ".o"));
    ProgramSpec spec = obj.program(null);
    Insn[] insns = relocated(obj, spec);
    ProgramInfo info = ObjectProgramInfo.of(obj, spec);
    return Verifier.verify(
        insns, privileged ? VerifierOptions.privileged(info) : VerifierOptions.unprivileged(info));
  }

  /** "example mode field kernel xdpemu" for every statistic that differs. */
  private static List<String> differences(
      String name, String mode, String kernel, VerifierResult r) {
    String[] k = kernel.split("/");
    int[] ours = {r.insnProcessed(), r.maxStatesPerInsn(), r.totalStates(), r.peakStates()};
    List<String> out = new ArrayList<>();
    for (int i = 0; i < FIELDS.length; i++) {
      if (Integer.parseInt(k[i]) != ours[i]) {
        out.add(name + " " + mode + " " + FIELDS[i] + " " + k[i] + " " + ours[i]);
      }
    }
    return out;
  }

  @TestFactory
  Stream<DynamicTest> examplesGetTheKernelsVerdict() throws Exception {
    Path dir = examples();
    return rows().stream()
        .map(
            f ->
                DynamicTest.dynamicTest(
                    f[0],
                    () -> {
                      Assumptions.assumeTrue(
                          Files.exists(dir.resolve(f[0] + ".o")), "missing " + f[0]);
                      Assumptions.assumeFalse(f[1].equals("SKIP"), f[0] + ": " + f[5]);
                      VerifierResult r = verify(dir, f[0], true);
                      assertEquals(f[1].equals("ACCEPTED"), r.accepted(), r.log());
                      Assumptions.assumeFalse(f[3].equals("SKIP"), f[0] + " unprivileged: " + f[5]);
                      VerifierResult u = verify(dir, f[0], false);
                      assertEquals(f[3].equals("ACCEPTED"), u.accepted(), u.log());
                      if (!u.accepted()) {
                        assertTrue(u.errorMessage().endsWith(f[5]), u.errorMessage());
                      }
                    }));
  }

  /** Equal statistics everywhere but the listed differences, and every listed one still real. */
  @Test
  void statisticsEqualTheKernelsButTheListedDifferences() throws Exception {
    Path dir = examples();
    TreeSet<String> found = new TreeSet<>();
    for (String[] f : rows()) {
      if (f[1].equals("SKIP") || !Files.exists(dir.resolve(f[0] + ".o"))) {
        continue;
      }
      found.addAll(differences(f[0], "root", f[2], verify(dir, f[0], true)));
      if (!f[3].equals("SKIP")) {
        found.addAll(differences(f[0], "unprivileged", f[4], verify(dir, f[0], false)));
      }
    }
    assertEquals(
        String.join("\n", knownDifferences()),
        String.join("\n", found),
        "statistics vs Linux 6.18 (update examples-known-differences.txt with the cause)");
  }
}
