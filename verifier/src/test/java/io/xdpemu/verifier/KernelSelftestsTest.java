package io.xdpemu.verifier;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.XdpemuException;
import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfKind;
import io.xdpemu.ebpf.btf.BtfType;
import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.ebpf.elf.BpfObjectReader;
import io.xdpemu.ebpf.elf.ProgramSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The kernel's own verifier selftests ({@code progs/verifier_*.c} of linux-source-6.12, compiled by
 * {@code .ci/verifier-selftests.sh}), every XDP program against two oracles:
 *
 * <ul>
 *   <li>its annotations (BTF decl tags in the object), in exactly the modes test_loader.c runs it
 *       ({@link #expectation}): privileged ({@code __success}/{@code __failure}/{@code __msg}), and
 *       unprivileged only when an {@code _unpriv} tag asks for it - no XDP program of 6.12 has one
 *       (test_loader's unprivileged mode drops CAP_BPF, and the kernel refuses XDP without it with
 *       EPERM before verifying). A {@code __flag} xdpemu does not model excludes the program, by
 *       name, from these figures;
 *   <li>the running kernel, live ({@link SelftestKernelVerdicts}, when the script built the
 *       loader): as root, and as CAP_BPF + CAP_NET_ADMIN without CAP_PERFMON - xdpemu's
 *       unprivileged mode, for every XDP program: verdict, the message of a rejection, processed
 *       counts reported.
 * </ul>
 *
 * Programs listed in {@code selftests-known-differences.txt} are reported, not counted as failures;
 * a false acceptance always fails.
 */
class KernelSelftestsTest {

  /**
   * One program's annotations as test_loader.c's parse_test_spec() reads them: the privileged
   * expectation ({@code __success}/{@code __failure}/{@code __msg}), the unprivileged one ({@code
   * _unpriv} variants; when only some are given the privileged ones fill in), the modes to run
   * (privileged unless only {@code _unpriv} tags are present) and {@code __flag}s.
   */
  record Expectation(
      boolean success,
      List<String> msgs,
      boolean auxiliary,
      List<String> flags,
      boolean priv,
      boolean unpriv,
      boolean unprivSuccess,
      List<String> unprivMsgs) {}

  record Outcome(String id, boolean verdictOk, Boolean msgOk, String detail) {}

  static Path objectsDir() {
    String p = System.getProperty("xdpemu.selftests");
    if (p == null) {
      p = System.getenv("XDPEMU_SELFTESTS");
    }
    Path dir = p == null ? Paths.get("target", "selftests", "obj") : Paths.get(p);
    if (p != null && !Files.isDirectory(dir)) {
      throw new IllegalStateException("xdpemu.selftests names a missing directory: " + dir);
    }
    Assumptions.assumeTrue(
        Files.isDirectory(dir),
        "kernel selftests not built (run .ci/verifier-selftests.sh): " + dir);
    return dir;
  }

  static Map<String, String> knownDifferences() throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (var in =
        KernelSelftestsTest.class.getResourceAsStream("/selftests-known-differences.txt")) {
      if (in == null) {
        return out;
      }
      for (String line : new String(in.readAllBytes()).split("\n")) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int sp = line.indexOf(' ');
        out.put(
            sp < 0 ? line : line.substring(0, sp), sp < 0 ? "" : line.substring(sp + 1).strip());
      }
    }
    return out;
  }

  /**
   * parse_test_spec() of linux-source-6.12's test_loader.c, tag by tag: each tag without {@code
   * _unpriv} puts the program in the privileged mode, each {@code _unpriv} tag (result, message,
   * xlated, retval, auxiliary; jited on this arch) in the unprivileged one; no such tag at all
   * means privileged only. The unprivileged run takes the privileged result unless a {@code
   * __success_unpriv}/{@code __failure_unpriv} is given, and the privileged messages unless it has
   * its own. A program whose {@code __arch_*} tags name other architectures is not run on x86-64.
   */
  static Expectation expectation(Btf btf, String func) {
    int id = btf.find(func, BtfKind.FUNC);
    boolean success = true;
    boolean aux = false;
    boolean priv = false;
    boolean unpriv = false;
    boolean anyArch = false; // arch_mask != 0
    boolean x86InMask = false; // arch_mask & ARCH_X86_64
    boolean collectJit = false; // the last __arch_* names this arch
    Boolean unprivSuccess = null;
    List<String> msgs = new ArrayList<>();
    List<String> unprivMsgs = new ArrayList<>();
    List<String> flags = new ArrayList<>();
    for (int t = btf.firstId(); t < btf.firstId() + btf.ownTypeCount(); t++) {
      if (!(btf.type(t) instanceof BtfType.DeclTag tag)
          || tag.type() != id
          || tag.componentIdx() != -1) {
        continue;
      }
      String v = tag.name();
      if (v.equals("comment:test_expect_failure")) {
        success = false;
        priv = true;
      } else if (v.equals("comment:test_expect_success")) {
        success = true;
        priv = true;
      } else if (v.equals("comment:test_expect_failure_unpriv")) {
        unprivSuccess = false;
        unpriv = true;
      } else if (v.equals("comment:test_expect_success_unpriv")) {
        unprivSuccess = true;
        unpriv = true;
      } else if (v.equals("comment:test_auxiliary")) {
        aux = true;
        priv = true;
      } else if (v.equals("comment:test_auxiliary_unpriv")) {
        aux = true;
        unpriv = true;
      } else if (v.startsWith("comment:test_expect_msg=")) {
        msgs.add(dynamicValue(v, "comment:test_expect_msg="));
        priv = true;
      } else if (v.startsWith("comment:test_expect_msg_unpriv=")) {
        unprivMsgs.add(dynamicValue(v, "comment:test_expect_msg_unpriv="));
        unpriv = true;
      } else if (v.startsWith("comment:test_jited=")) {
        priv |= collectJit;
      } else if (v.startsWith("comment:test_jited_unpriv=")) {
        unpriv |= collectJit;
      } else if (v.startsWith("comment:test_expect_xlated=")
          || v.startsWith("comment:test_retval=")) {
        priv = true;
      } else if (v.startsWith("comment:test_expect_xlated_unpriv=")
          || v.startsWith("comment:test_retval_unpriv=")) {
        unpriv = true;
      } else if (v.startsWith("comment:test_prog_flags=")) {
        flags.add(v.substring("comment:test_prog_flags=".length()));
      } else if (v.startsWith("comment:test_arch=")) {
        collectJit = v.equals("comment:test_arch=X86_64");
        anyArch = true;
        x86InMask |= collectJit;
      }
    }
    if (!priv && !unpriv) {
      priv = true;
    }
    if (anyArch && !x86InMask) {
      priv = false; // get_current_arch() & arch_mask == 0: test__skip()
      unpriv = false;
    }
    return new Expectation(
        success,
        msgs,
        aux,
        flags,
        priv,
        unpriv,
        unprivSuccess != null ? unprivSuccess : success,
        unprivMsgs.isEmpty() ? msgs : unprivMsgs);
  }

  /** skip_dynamic_pfx(): a message tag's value after its "=N=" counter (BTF needs unique tags). */
  private static String dynamicValue(String tag, String prefix) {
    String rest = tag.substring(prefix.length());
    return rest.substring(rest.indexOf('=') + 1);
  }

  /** __msg texts match in order; {{...}} parts are regular expressions (test_loader.c). */
  static boolean msgsFound(String log, List<String> msgs) {
    int from = 0;
    for (String m : msgs) {
      StringBuilder re = new StringBuilder();
      int i = 0;
      while (i < m.length()) {
        int open = m.indexOf("{{", i);
        if (open < 0) {
          re.append(Pattern.quote(m.substring(i)));
          break;
        }
        re.append(Pattern.quote(m.substring(i, open)));
        int close = m.indexOf("}}", open);
        re.append(m, open + 2, close);
        i = close + 2;
      }
      var matcher = Pattern.compile(re.toString()).matcher(log);
      if (!matcher.find(from)) {
        return false;
      }
      from = matcher.end();
    }
    return true;
  }

  @Test
  void xdpProgramsAgreeWithTheirAnnotations() throws Exception {
    Path dir = objectsDir();
    Map<String, String> known = knownDifferences();
    List<Outcome> outcomes = new ArrayList<>();
    Path tool = SelftestKernelVerdicts.tool();
    KernelTally[] kernelModes = {new KernelTally("root"), new KernelTally("unprivileged")};
    List<Outcome> kernelOutcomes = new ArrayList<>();
    List<Path> objects;
    try (Stream<Path> s = Files.list(dir)) {
      objects = s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
    }
    for (Path o : objects) {
      BpfObject obj;
      try {
        obj = BpfObjectReader.read(o.getFileName().toString(), Files.readAllBytes(o));
      } catch (XdpemuException e) {
        continue;
      }
      for (ProgramSpec spec : obj.programs()) {
        if (!spec.section().startsWith("xdp")) {
          continue;
        }
        Expectation e = expectation(obj.types(), spec.name());
        if (e.auxiliary()) {
          continue;
        }
        String id = o.getFileName().toString().replace(".o", "") + "/" + spec.name();
        if (tool != null) {
          for (KernelTally mode : kernelModes) {
            kernelOutcomes.add(mode.compare(id, tool, o, obj, spec));
          }
        }
        String unmodelled =
            e.flags().stream().filter(f -> !MODELLED_FLAGS.contains(f)).findFirst().orElse(null);
        if (unmodelled != null) {
          skippedForFlags.add(id + " (" + unmodelled + ")");
          continue;
        }
        if (e.priv()) {
          outcomes.add(check(id, obj, spec, true, e.success(), e.msgs(), e.flags()));
        }
        if (e.unpriv()) {
          outcomes.add(
              check(
                  id + " [unpriv]",
                  obj,
                  spec,
                  false,
                  e.unprivSuccess(),
                  e.unprivMsgs(),
                  e.flags()));
        }
      }
    }
    Assumptions.assumeFalse(outcomes.isEmpty(), "no XDP programs among the selftest objects");
    if (!skippedForFlags.isEmpty()) {
      System.out.println("not checked, __flag not modelled: " + skippedForFlags);
    }
    int verdicts = 0;
    int msgTotal = 0;
    int msgHits = 0;
    StringBuilder report = new StringBuilder();
    List<String> unexplained = new ArrayList<>();
    for (Outcome oc : outcomes) {
      if (oc.verdictOk()) {
        verdicts++;
      }
      if (oc.msgOk() != null) {
        msgTotal++;
        if (oc.msgOk()) {
          msgHits++;
        }
      }
      boolean bad = !oc.verdictOk() || Boolean.FALSE.equals(oc.msgOk());
      if (bad) {
        String why = known.get(oc.id());
        report.append(oc.id()).append(": ").append(oc.detail());
        report.append(why == null ? " [UNEXPLAINED]" : " [known: " + why + "]").append('\n');
        if (why == null) {
          unexplained.add(oc.id() + ": " + oc.detail());
        }
      }
    }
    String summary =
        String.format(
            Locale.ROOT,
            "XDP selftests: %d programs, verdict agrees %d (%.1f%%), __msg found in %d of %d"
                + " rejections (%.1f%%)%n",
            outcomes.size(),
            verdicts,
            100.0 * verdicts / outcomes.size(),
            msgHits,
            msgTotal,
            msgTotal == 0 ? 100.0 : 100.0 * msgHits / msgTotal);
    if (tool != null) {
      for (KernelTally mode : kernelModes) {
        summary += mode.summary();
      }
      for (Outcome oc : kernelOutcomes) {
        if (!oc.verdictOk() || Boolean.FALSE.equals(oc.msgOk())) {
          String why = known.get(oc.id());
          report.append(oc.id()).append(": ").append(oc.detail());
          report.append(why == null ? " [UNEXPLAINED]" : " [known: " + why + "]").append('\n');
          if (why == null || oc.detail().startsWith("FALSE ACCEPTANCE")) {
            unexplained.add(oc.id() + ": " + oc.detail());
          }
        }
      }
    }
    Files.createDirectories(Paths.get("target"));
    Files.writeString(Paths.get("target", "selftests-report.txt"), summary + report);
    System.out.print(summary + report);
    assertTrue(verdicts >= Math.ceil(0.98 * outcomes.size()), summary + report);
    assertTrue(msgTotal == 0 || msgHits >= Math.ceil(0.90 * msgTotal), summary + report);
    assertTrue(unexplained.isEmpty(), "differences not listed with a reason:\n" + unexplained);
    String kernelFloor = System.getProperty("xdpemu.selftests.kernelFloor");
    if (kernelFloor != null && !kernelFloor.isBlank()) {
      int compared = kernelModes[0].compared + kernelModes[1].compared;
      assertTrue(
          compared >= Integer.parseInt(kernelFloor.strip()),
          "programs compared with the live kernel dropped to "
              + compared
              + " (both modes), below the "
              + kernelFloor.strip()
              + " recorded in .ci/verifier-selftests.floor");
    }
    String floor = System.getProperty("xdpemu.selftests.floor");
    if (floor != null && !floor.isBlank()) {
      assertTrue(
          outcomes.size() >= Integer.parseInt(floor.strip()),
          "programs checked dropped to "
              + outcomes.size()
              + " (both modes), below the "
              + floor.strip()
              + " recorded in .ci/verifier-selftests.floor");
    }
  }

  /**
   * __flag values and what they change here. On x86-64 (efficient unaligned access) alignment is
   * only checked with BPF_F_STRICT_ALIGNMENT, so BPF_F_ANY_ALIGNMENT changes nothing; the TEST_*
   * flags change the kernel's internal checking or state frequency, not a verdict.
   */
  static final java.util.Set<String> MODELLED_FLAGS =
      java.util.Set.of(
          "BPF_F_ANY_ALIGNMENT",
          "BPF_F_TEST_REG_INVARIANTS",
          "BPF_F_TEST_STATE_FREQ",
          "BPF_F_TEST_RND_HI32");

  private final List<String> skippedForFlags = new ArrayList<>();

  /**
   * One loader mode compared with the live kernel: verdicts (a false acceptance is never allowed),
   * the last message of a rejection by family (numbers and helper names normalized, as the shared
   * corpus does), and processed counts, reported.
   */
  static final class KernelTally {
    final String mode;
    int compared;
    int notLoaded;
    final List<String> notLoadedIds = new ArrayList<>();
    int verdicts;
    int rejections;
    int msgs;
    int bothAccept;
    int countsEqual;

    KernelTally(String mode) {
      this.mode = mode;
    }

    Outcome compare(String id, Path tool, Path file, BpfObject obj, ProgramSpec spec)
        throws IOException, InterruptedException {
      boolean root = mode.equals("root");
      String oid = id + " [kernel " + mode + "]";
      SelftestKernelVerdicts.KernelVerdict k =
          SelftestKernelVerdicts.of(tool, file, spec.name(), root);
      if (!k.loaded()) {
        notLoaded++;
        notLoadedIds.add(id + " (" + k.msg() + ")");
        return new Outcome(oid, true, null, "not loaded by libbpf: " + k.msg());
      }
      compared++;
      VerifierResult r =
          Verifier.verify(
              spec.insns(),
              new VerifierOptions(root, 1, ObjectProgramInfo.of(obj, spec), 1_000_000));
      boolean verdictOk = r.accepted() == k.accepted();
      Boolean msgOk = null;
      if (verdictOk) {
        verdicts++;
        if (k.accepted()) {
          bothAccept++;
          countsEqual += r.insnProcessed() == k.processed() ? 1 : 0;
        } else {
          rejections++;
          msgOk =
              KernelCorpusAgreementTest.family(SelftestKernelVerdicts.lastMessage(r.log()))
                  .equals(KernelCorpusAgreementTest.family(k.msg()));
          msgs += msgOk ? 1 : 0;
        }
      }
      String detail =
          (r.accepted() && !k.accepted() ? "FALSE ACCEPTANCE: " : "")
              + "kernel "
              + k.verdict()
              + (k.accepted() ? "" : " '" + k.msg() + "'")
              + ", xdpemu "
              + (r.accepted()
                  ? "accepted"
                  : "'" + SelftestKernelVerdicts.lastMessage(r.log()) + "'");
      return new Outcome(oid, verdictOk, msgOk, detail);
    }

    String summary() {
      return String.format(
          Locale.ROOT,
          "XDP selftests vs the live kernel, %s: %d programs loaded, verdict agrees %d,"
              + " message found in %d of %d rejections, processed equal in %d of %d accepted by"
              + " both; %d not loaded by libbpf %s%n",
          mode,
          compared,
          verdicts,
          msgs,
          rejections,
          countsEqual,
          bothAccept,
          notLoaded,
          notLoadedIds);
    }
  }

  private static Outcome check(
      String id,
      BpfObject obj,
      ProgramSpec spec,
      boolean privileged,
      boolean success,
      List<String> msgs,
      List<String> flags) {
    VerifierResult r;
    try {
      r =
          Verifier.verify(
              spec.insns(),
              new VerifierOptions(privileged, 2, ObjectProgramInfo.of(obj, spec), 1_000_000));
    } catch (RuntimeException ex) {
      return new Outcome(id, false, null, "exception " + ex);
    }
    boolean verdictOk = r.accepted() == success;
    Boolean msgOk = null;
    if (!success && !msgs.isEmpty()) {
      msgOk = msgsFound(r.log(), msgs);
    }
    String detail =
        "expected "
            + (success ? "success" : "failure " + msgs)
            + (flags.isEmpty() ? "" : " flags " + flags)
            + ", got "
            + (r.accepted() ? "accepted" : "'" + r.errorMessage().replace("\n", " | ") + "'");
    return new Outcome(id, verdictOk, msgOk, detail);
  }
}
