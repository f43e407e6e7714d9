package io.xdpemu.ebpf.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.ebpf.elf.BpfObjectReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The kernel's CO-RE selftests (prog_tests/core_reloc.c cases) through xdpemu's loader and
 * relocator, one dynamic test per case, each compared with libbpf on the running kernel. Prepared
 * and run by {@code .ci/core-selftests.sh}, which sets {@code XDPEMU_CORE_SELFTESTS} to its work
 * directory (cases.jsonl, kernel-results.txt, build/*.bpf.o); skipped otherwise.
 *
 * <p>Per case: a relocation error in xdpemu must match a relocation error in libbpf; otherwise
 * every slot must equal libbpf's (map loads modulo fd), and when the kernel rejects the program
 * because a poisoned instruction is reachable, xdpemu must have poisoned that same slot with the
 * same "failed to resolve CO-RE relocation" text. The case's {@code fails} flag must agree with the
 * kernel's verdict. Cases the kernel itself skips (bpf_testmod) are skipped. Then every case the
 * kernel loads (except "kernel", which reads a real task_struct) runs in xdpemu's interpreter as
 * the harness runs it (data.in preset in .bss) and data.out must equal the expected bytes.
 */
class KernelCoreSelftestsTest {
  private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"([^\"]*)\"|null|true|false)");

  record Case(
      String name,
      String obj,
      String btfSrc,
      String prog,
      boolean fails,
      String input,
      String output) {}

  static List<Case> cases(Path file) throws IOException {
    List<Case> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) {
        continue;
      }
      Map<String, String> f = new HashMap<>();
      Matcher m = FIELD.matcher(line);
      while (m.find()) {
        f.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(2));
      }
      out.add(
          new Case(
              f.get("case"),
              f.get("bpf_obj"),
              "null".equals(f.get("btf_src")) ? null : f.get("btf_src"),
              f.get("prog"),
              "true".equals(f.get("fails")),
              f.get("input"),
              f.get("output")));
    }
    return out;
  }

  private static Btf vmlinux;

  /**
   * The cases come from {@code .ci/core-selftests.sh}: without it this is a visible skip (the plain
   * {@code mvn verify} of CI runs before the script); with it, a work directory without cases
   * fails.
   */
  @Test
  void preparedByTheSelftestsScript() throws IOException {
    workDir();
  }

  private static Path workDir() throws IOException {
    String dir = System.getenv("XDPEMU_CORE_SELFTESTS");
    assumeTrue(
        dir != null && !dir.isEmpty(), "XDPEMU_CORE_SELFTESTS not set: run .ci/core-selftests.sh");
    Path work = Path.of(dir);
    Path cases = work.resolve("cases.jsonl");
    assertTrue(
        Files.isRegularFile(cases) && !cases(cases).isEmpty(),
        "XDPEMU_CORE_SELFTESTS=" + dir + " has no cases.jsonl with cases");
    return work;
  }

  @TestFactory
  Stream<DynamicTest> coreRelocCases() throws IOException {
    Path work = workDir();
    Map<String, String> kernel = new HashMap<>();
    for (String line : Files.readAllLines(work.resolve("kernel-results.txt"))) {
      String[] p = line.split(" ");
      if (p.length == 3 && p[0].equals("RESULT")) {
        kernel.put(p[1], p[2]);
      }
    }
    return cases(work.resolve("cases.jsonl")).stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.name(), () -> run(work.resolve("build"), c, kernel.get(c.name()))));
  }

  private static void run(Path build, Case c, String kernelResult) throws Exception {
    if ("SKIP".equals(kernelResult)) {
      abort("skipped by libbpf + kernel as well (needs bpf_testmod.ko)");
    }
    Path obj = build.resolve(c.obj());
    if (!Files.exists(obj) || (c.btfSrc() != null && !Files.exists(build.resolve(c.btfSrc())))) {
      abort(c.obj() + " or its target was not built by this clang (needs clang >= 15)");
    }
    assertEquals("PASS", kernelResult, "libbpf + kernel verdict for " + c.name());
    BpfObject object = BpfObjectReader.read(obj);
    Btf target;
    if (c.btfSrc() == null) {
      if (vmlinux == null) {
        vmlinux = Btf.read(Host.VMLINUX);
      }
      target = vmlinux;
    } else {
      target = Btf.read(build.resolve(c.btfSrc()));
    }
    RelocatedProgram ours = null;
    CoreRelocationException error = null;
    try {
      ours = CoreRelocator.relocate(object, new CoreTarget(target), c.prog());
    } catch (CoreRelocationException e) {
      error = e;
    }
    Host.OracleRun libbpf =
        Host.oracle(obj, c.prog(), c.btfSrc() == null ? null : build.resolve(c.btfSrc()), false);
    System.out.println(
        "core_reloc "
            + c.name()
            + ": xdpemu "
            + (error != null
                ? "error"
                : ours.applied().size()
                    + " relocations, "
                    + ours.poisoned().size()
                    + " poisoned slots")
            + "; libbpf load "
            + libbpf.load());
    assertEquals(c.fails(), libbpf.load() != 0, "the case's 'fails' vs the kernel's load result");
    boolean libbpfRelocError = libbpf.log().contains("failed to relocate");
    if (error != null) {
      assertTrue(
          libbpfRelocError,
          "xdpemu: "
              + error.getMessage()
              + "\nbut libbpf relocated it; libbpf log:\n"
              + libbpf.log());
      return;
    }
    if (libbpfRelocError) {
      fail("libbpf failed to relocate but xdpemu did not; libbpf log:\n" + libbpf.log());
    }
    assertEquals(
        List.of(),
        OracleComparison.differences(ours.insns(), libbpf.insns()),
        "relocated instructions vs libbpf");
    if (libbpf.load() == 0 && !c.name().equals("kernel")) {
      // the dynamic half: run it in the interpreter like the harness runs it on the kernel
      // (data.in preset, trigger, memcmp data.out with the expected bytes); "kernel" needs
      // task_struct and helpers 14/35/115 of a real task and is compared statically only
      byte[] in = unhex(c.input());
      SeedRunner.Run run = SeedRunner.runWithoutPacket(object, ours, in);
      byte[] expected = unhex(c.output());
      byte[] got = java.util.Arrays.copyOfRange(run.bss(), 256, 256 + expected.length);
      assertEquals(c.output(), hex(got), "data.out after running " + c.prog());
      assertEquals(0, run.retval(), "return value");
      System.out.println(
          "core_reloc "
              + c.name()
              + ": data.out equal after running in xdpemu ("
              + expected.length
              + " bytes)");
    }
    if (libbpf.load() != 0) {
      Matcher m =
          Pattern.compile(
                  "(\\d+): <invalid CO-RE relocation>\nfailed to resolve CO-RE"
                      + " relocation ([^\n]*)")
              .matcher(libbpf.log());
      assertTrue(m.find(), "kernel rejected the program without a CO-RE poison:\n" + libbpf.log());
      int pc = Integer.parseInt(m.group(1));
      assertEquals(
          "failed to resolve CO-RE relocation " + m.group(2),
          ours.poisoned().get(pc),
          "poison message at insn #" + pc);
    }
  }

  private static byte[] unhex(String hex) {
    byte[] b = new byte[hex.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02x", x & 0xff));
    }
    return s.toString();
  }
}
