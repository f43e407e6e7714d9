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
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The project's example programs (examples/*.o and examples/{maps,seed,firmware}/*.o, prebuilt,
 * CO-RE relocated against the running kernel's BTF) against what Linux 6.18 said about them
 * (examples-kernel-verdicts.tsv), as root and as a CAP_BPF + CAP_NET_ADMIN loader: same verdict,
 * the kernel's last message on rejection, and as root a processed-instruction count within 15% of
 * the kernel's (the kernel prunes a little more where its precision marks are finer).
 */
class ExamplesAgreementTest {
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

  @TestFactory
  Stream<DynamicTest> examplesGetTheKernelsVerdict() throws Exception {
    Path dir = examples();
    String tsv;
    try (var in = getClass().getResourceAsStream("/examples-kernel-verdicts.tsv")) {
      tsv = new String(in.readAllBytes());
    }
    return tsv.lines()
        .filter(l -> !l.startsWith("#") && !l.startsWith("name\t") && !l.isBlank())
        .map(l -> l.split("\t"))
        .map(
            f ->
                DynamicTest.dynamicTest(
                    f[0],
                    () -> {
                      Path o = dir.resolve(f[0] + ".o");
                      Assumptions.assumeTrue(Files.exists(o), "missing " + o);
                      Assumptions.assumeFalse(
                          f[1].equals("SKIP") || f[1].equals("KNOWN"), f[0] + ": " + f[4]);
                      BpfObject obj = BpfObjectReader.read(o);
                      ProgramSpec spec = obj.program(null);
                      Insn[] insns = relocated(obj, spec);
                      VerifierResult r =
                          Verifier.verify(
                              insns, VerifierOptions.privileged(ObjectProgramInfo.of(obj, spec)));
                      assertEquals(f[1].equals("ACCEPTED"), r.accepted(), r.log());
                      int kernel = Integer.parseInt(f[2]);
                      int percent = f.length > 5 ? Integer.parseInt(f[5]) : 15;
                      assertTrue(
                          Math.abs(r.insnProcessed() - kernel)
                              <= Math.max(2, kernel * percent / 100),
                          f[0] + ": processed " + r.insnProcessed() + ", kernel " + kernel);
                      Assumptions.assumeFalse(
                          f[3].equals("SKIP") || f[3].equals("KNOWN"),
                          f[0] + " unprivileged: " + f[4]);
                      VerifierResult u =
                          Verifier.verify(
                              insns, VerifierOptions.unprivileged(ObjectProgramInfo.of(obj, spec)));
                      assertEquals(f[3].equals("ACCEPTED"), u.accepted(), u.log());
                      if (!u.accepted()) {
                        assertTrue(u.errorMessage().endsWith(f[4]), u.errorMessage());
                      }
                    }));
  }
}
