package io.xdpemu.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.xdpemu.ebpf.ProgramRejectedException;
import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.ebpf.elf.BpfObjectReader;
import io.xdpemu.ebpf.elf.ProgramSpec;
import io.xdpemu.ebpf.maps.MapDefinition;
import io.xdpemu.runtime.LoadOptions;
import io.xdpemu.runtime.LoadPipeline;
import io.xdpemu.runtime.TargetBtf;
import io.xdpemu.runtime.TestRun;
import io.xdpemu.verifier.VerifierResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real-world XDP programs - {@code ../shared/realworld} (five public projects) and the shapes of
 * {@code examples/realworld} - loaded in the running kernel and in xdpemu's verifier: verdict,
 * message of a rejection (or of a load error) and processed instruction count must agree. The
 * kernel is the oracle: {@code kernel-verdicts.tsv} only names the programs; every verdict is taken
 * live by {@code src/test/c/kernel-verdict.c} (libbpf, or iproute2's legacy map layout), built here
 * with gcc and thrown away after the run.
 *
 * <p>Verdicts are asserted strictly and a false acceptance always fails. Processed counts are
 * asserted for every program not listed in {@code realworld/known-differences.tsv} (with its
 * cause); the test prints the count agreement and the listed programs that now agree.
 */
class RealWorldKernelAgreementTest {
  private static final long KERNEL_TIMEOUT_S = 60;

  record Target(String key, Path object, String program) {}

  record Verdict(String verdict, long processed, String message) {}

  @Test
  void everyRealWorldProgramGetsTheKernelsVerdictAndCount(@TempDir Path tmp) throws Exception {
    KernelAssumptions.assumeKernelOracle();
    Path realworld = KernelAssumptions.shared().resolve("realworld");
    if (!Files.isRegularFile(realworld.resolve("kernel-verdicts.tsv"))) {
      if (KernelAssumptions.kernelRequired()) {
        fail("XDPEMU_REQUIRE_KERNEL=1 but " + realworld + "/kernel-verdicts.tsv is missing");
      }
      Assumptions.abort("shared real-world corpus not found at " + realworld);
    }
    Path tool = buildKernelVerdict(tmp);
    List<String> pinsBefore = bpffs();
    List<Target> targets = new ArrayList<>(sharedTargets(realworld));
    int shared = targets.size();
    targets.addAll(exampleTargets());
    Map<String, String[]> known = knownDifferences();

    List<String> failures = new ArrayList<>();
    List<String> nowAgree = new ArrayList<>();
    int bothAccept = 0;
    int countsEqual = 0;
    int within10 = 0;
    int verdictsAgree = 0;
    StringBuilder table = new StringBuilder();
    for (Target t : targets) {
      Verdict k = kernel(tool, t);
      Verdict x = xdpemu(t);
      if (t.key().equals(TAIL_CALL_HEAVY) && k.processed() < 50_000) {
        failures.add(
            TAIL_CALL_HEAVY
                + ": the kernel processes "
                + k.processed()
                + " instructions, the fixture exists to need >= 50,000 (issue 11.2)");
      }
      String[] listed = known.get(t.key());
      String line =
          String.format(
              Locale.ROOT,
              "%-70s kernel %-8s %8d  xdpemu %-8s %8d%n",
              t.key(),
              k.verdict(),
              k.processed(),
              x.verdict(),
              x.processed());
      table.append(line);
      boolean sameVerdict = k.verdict().equals(x.verdict());
      if (sameVerdict) {
        verdictsAgree++;
      }
      if (x.verdict().equals("ACCEPTED") && !k.verdict().equals("ACCEPTED")) {
        failures.add("FALSE ACCEPTANCE " + t.key() + ": kernel " + k);
        continue;
      }
      if (!sameVerdict) {
        if (listed == null || !listed[0].equals("verdict")) {
          failures.add(t.key() + ": kernel " + k + ", xdpemu " + x);
        }
        continue;
      }
      if (listed != null && listed[0].equals("verdict")) {
        nowAgree.add(t.key() + " (verdict)");
      }
      if (!k.verdict().equals("ACCEPTED")) {
        if (!sameMessage(k.message(), x.message())) {
          failures.add(
              t.key() + ": kernel says '" + k.message() + "', xdpemu '" + x.message() + "'");
        }
        continue;
      }
      bothAccept++;
      if (k.processed() == x.processed()) {
        countsEqual++;
        if (listed != null && listed[0].equals("count")) {
          nowAgree.add(t.key() + " (count)");
        }
      } else if (listed == null) {
        failures.add(t.key() + ": processed " + x.processed() + ", the kernel " + k.processed());
      }
      double ratio = (double) x.processed() / Math.max(1, k.processed());
      if (ratio <= 1.1 && ratio >= 1 / 1.1) {
        within10++;
      }
    }
    System.out.print(table);
    System.out.printf(
        Locale.ROOT,
        "real-world agreement: %d programs (%d shared, %d examples): verdicts %d/%d;"
            + " accepted by both %d: processed equal %d (%.1f%%), within 1.1x %d%n",
        targets.size(),
        shared,
        targets.size() - shared,
        verdictsAgree,
        targets.size(),
        bothAccept,
        countsEqual,
        100.0 * countsEqual / Math.max(1, bothAccept),
        within10);
    if (!nowAgree.isEmpty()) {
      System.out.println("listed in known-differences.tsv but now agreeing: " + nowAgree);
    }
    // Other processes may pin meanwhile: only pins named like one of our maps are ours.
    List<String> ours = new ArrayList<>();
    for (String pin : bpffs()) {
      if (!pinsBefore.contains(pin) && mapNames(targets).contains(pin)) {
        ours.add(pin);
      }
    }
    assertEquals(List.of(), ours, "the kernel loads left maps pinned in " + BPFFS);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    assertTrue(targets.size() >= 119 + 5, "programs checked: " + targets.size());
  }

  private static final Path BPFFS = Path.of("/sys/fs/bpf");

  /** The tail-call stage that must stay heavy in the kernel (Cilium's NAT/nodeport class). */
  static final String TAIL_CALL_HEAVY = "examples/realworld/tailcall_parser.o cil_tcp";

  /** What is pinned: loading objects with pinned maps must not pin them on the host. */
  private static List<String> bpffs() throws IOException {
    if (!Files.isDirectory(BPFFS)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(BPFFS)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static java.util.Set<String> mapNames(List<Target> targets) {
    java.util.Set<String> names = new java.util.HashSet<>();
    for (Path obj : targets.stream().map(Target::object).distinct().toList()) {
      try {
        BpfObjectReader.read(obj).maps().forEach(m -> names.add(m.name()));
      } catch (RuntimeException unreadable) {
        // xdpemu refuses the object; its verdict is compared above
      }
    }
    return names;
  }

  /** Load errors name the same cause: libbpf's "libbpf: X" against xdpemu's "FILE: X". */
  static boolean sameMessage(String kernel, String xdpemu) {
    String k = kernel.replaceFirst("^libbpf: ", "");
    String x = xdpemu.replaceFirst("^\\S+\\.o: ", "");
    return k.equals(x);
  }

  private static List<Target> sharedTargets(Path realworld) throws IOException {
    List<Target> out = new ArrayList<>();
    List<String> rows = Files.readAllLines(realworld.resolve("kernel-verdicts.tsv"));
    for (String row : rows.subList(1, rows.size())) {
      String[] f = row.split("\t");
      Path obj = realworld.resolve("objects").resolve(f[0]).resolve(f[1]);
      out.add(new Target("realworld/" + f[0] + "/" + f[1] + " " + f[2], obj, f[2]));
    }
    return out;
  }

  /** Every program of every object in examples/realworld. */
  private static List<Target> exampleTargets() throws IOException {
    Path dir = KernelAssumptions.repoRoot().resolve("examples").resolve("realworld");
    List<Target> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path obj : files.filter(p -> p.toString().endsWith(".o")).sorted().toList()) {
        BpfObject o = BpfObjectReader.read(obj);
        for (ProgramSpec p : o.programs()) {
          out.add(
              new Target(
                  "examples/realworld/" + obj.getFileName() + " " + p.name(), obj, p.name()));
        }
      }
    }
    return out;
  }

  private static Map<String, String[]> knownDifferences() throws IOException {
    Map<String, String[]> out = new LinkedHashMap<>();
    try (InputStream in =
        RealWorldKernelAgreementTest.class.getResourceAsStream(
            "/realworld/known-differences.tsv")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t");
        out.put(f[0] + " " + f[1], new String[] {f[2], f.length > 3 ? f[3] : ""});
      }
    }
    return out;
  }

  static Verdict xdpemu(Target t) {
    LoadOptions o =
        new LoadOptions(t.object(), t.program(), null, null, null, null, false, null, null, true);
    try {
      LoadPipeline.Relocated r = LoadPipeline.relocate(o, TargetBtf.of(o));
      VerifierResult v =
          LoadPipeline.verify(o, sizedAsTheOracle(r.object()), r.spec(), r.insns(), 1);
      return new Verdict(
          v.accepted() ? "ACCEPTED" : "REJECTED",
          v.insnProcessed(),
          v.accepted() ? "" : LoadPipeline.rejection(v, r.core()));
    } catch (ProgramRejectedException e) {
      return new Verdict("LOADERR", -1, e.getMessage());
    }
  }

  /**
   * The maps as kernel-verdict.c creates them: one declared with max_entries 0 (sized by its loader
   * at run time, as xdp-bench does) gets one entry per possible CPU. The verifier relies on
   * max_entries (a constant key below it makes an array lookup non-NULL), so both sides must see
   * the same size.
   */
  private static BpfObject sizedAsTheOracle(BpfObject b) {
    int cpus = TestRun.possibleCpus();
    List<MapDefinition> maps = new ArrayList<>();
    for (MapDefinition d : b.maps()) {
      maps.add(
          d.maxEntries() != 0
              ? d
              : new MapDefinition(
                  d.name(),
                  d.type(),
                  d.keySize(),
                  d.valueSize(),
                  cpus,
                  d.flags(),
                  d.keyBtfId(),
                  d.valueBtfId(),
                  d.pinning(),
                  d.initialData(),
                  d.inner(),
                  d.initialSlots(),
                  d.readOnly()));
    }
    return new BpfObject(
        b.fileName(),
        b.programs(),
        maps,
        b.license(),
        b.kernelVersion(),
        b.btf(),
        b.btfExt(),
        b.types(),
        b.ext(),
        b.globalOffsets(),
        b.warnings());
  }

  static Verdict kernel(Path tool, Target t) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(tool.toString(), t.object().toString(), t.program())
            .redirectErrorStream(false)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(KERNEL_TIMEOUT_S, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      fail("kernel-verdict " + t.key() + " failed: " + err + out);
    }
    String verdict = null;
    long processed = -1;
    String msg = "";
    for (String line : out.split("\n")) {
      if (line.startsWith("verdict ")) {
        verdict = line.substring(8);
      } else if (line.startsWith("processed ")) {
        processed = Long.parseLong(line.substring(10).trim());
      } else if (line.startsWith("msg")) {
        msg = line.length() > 4 ? line.substring(4) : "";
      }
    }
    assertEquals(
        true, verdict != null, "no verdict from kernel-verdict for " + t.key() + ": " + out);
    return new Verdict(verdict, processed, msg);
  }

  private static Path buildKernelVerdict(Path tmp) throws IOException, InterruptedException {
    Path src = KernelAssumptions.repoRoot().resolve("xdp-runtime/src/test/c/kernel-verdict.c");
    Path exe = tmp.resolve("kernel-verdict");
    List<String> cmd = new ArrayList<>(List.of("gcc", "-O2", "-Wall", "-o", exe.toString()));
    cmd.add(src.toString());
    cmd.addAll(List.of("-lbpf", "-lelf", "-lz"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      fail("building kernel-verdict failed: " + String.join(" ", cmd) + "\n" + out);
    }
    return exe;
  }
}
