package io.xdpemu.verifier.differential;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.xdpemu.ebpf.facts.ProgramFacts;
import io.xdpemu.ebpf.isa.Disassembler;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import io.xdpemu.ebpf.maps.MapDefinition;
import io.xdpemu.verifier.ProgramInfo;
import io.xdpemu.verifier.Verifier;
import io.xdpemu.verifier.VerifierOptions;
import io.xdpemu.verifier.VerifierResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The generated-program differential against the kernel's verifier (issue 14): {@link
 * EdgeProgramGenerator} programs go to Linux (BPF_PROG_LOAD as root, XDP) and to xdpemu's verifier;
 * programs both accept run on both (BPF_PROG_TEST_RUN against the interpreter and the JIT) over a
 * few packets. Fails on any program the kernel rejects and xdpemu accepts, on any trap of an
 * accepted program, and on any difference of return value or bytes; counts false rejections and
 * prints them by kernel message.
 *
 * <p>Size: {@code -Dxdpemu.verifierFuzz.count=N} (default 20,000) from seed {@code
 * -Dxdpemu.verifierFuzz.seed=S} (default 1); {@code .ci/verifier-fuzz.sh} runs longer. Skips with
 * its reason without gcc, root or bpf(); fails instead under {@code XDPEMU_REQUIRE_KERNEL=1}.
 */
class VerifierDifferentialTest {
  static final MapDefinition ARRAY =
      new MapDefinition("a", 2, 4, 16, 4, 0, 0, 0, 0, null, null, null, false);

  @Test
  void xdpemuNeverAcceptsWhatTheKernelRejectsAndRunsAgree() throws Exception {
    int count = Integer.getInteger("xdpemu.verifierFuzz.count", 20_000);
    long seed = Long.getLong("xdpemu.verifierFuzz.seed", 1L);
    Long dump = Long.getLong("xdpemu.verifierFuzz.dump");
    String[] why = new String[1];
    KernelVerifierBatch kernel = KernelVerifierBatch.start(why);
    if (kernel == null) {
      if ("1".equals(System.getenv("XDPEMU_REQUIRE_KERNEL"))) {
        fail("XDPEMU_REQUIRE_KERNEL=1 but the kernel verifier is unavailable: " + why[0]);
      }
      Assumptions.abort("kernel verifier unavailable: " + why[0]);
    }
    List<String> unsound = new ArrayList<>();
    List<String> runDiffs = new ArrayList<>();
    Map<String, Integer> falseRejections = new TreeMap<>();
    Map<String, String> falseRejectionExample = new TreeMap<>();
    int bothAccept = 0;
    int bothReject = 0;
    int runs = 0;
    int undefinedRuns = 0;
    int addressRuns = 0;
    long kernelNs = 0;
    long xdpemuNs = 0;
    long runNs = 0;
    try (kernel;
        XdpemuRunner runner = new XdpemuRunner(ARRAY)) {
      for (int i = 0; i < count; i++) {
        long s = dump != null ? dump : seed * 1_000_003L + i;
        EdgeProgramGenerator.Generated g = EdgeProgramGenerator.generate(s);
        long t0 = System.nanoTime();
        KernelVerifierBatch.Verdict k = kernel.load(EdgeProgramGenerator.MAPS, g.insns());
        long t1 = System.nanoTime();
        VerifierResult x = verify(g.insns(), dump != null ? 2 : 0);
        long t2 = System.nanoTime();
        kernelNs += t1 - t0;
        xdpemuNs += t2 - t1;
        if (dump != null) {
          System.out.println(describe(s, g, "dump") + "\nkernel:\n" + String.join("\n", k.log()));
          System.out.println("xdpemu:\n" + x.log());
          return;
        }
        if (!k.accepted() && x.accepted()) {
          unsound.add(describe(s, g, "kernel: " + k.message()));
        } else if (k.accepted() && !x.accepted()) {
          String msg = lastLine(x.errorMessage());
          falseRejections.merge(msg, 1, Integer::sum);
          falseRejectionExample.putIfAbsent(msg, describe(s, g, "xdpemu: " + msg));
        } else if (k.accepted()) {
          bothAccept++;
          // Where the kernel's result is its stack's leftovers, or depends on where its memory
          // lies, the values are not compared; the runs must still succeed on both sides.
          boolean valuesDefined = true;
          if (any(x.readsUninitStack())) {
            undefinedRuns++;
            valuesDefined = false;
          } else if (any(x.leaksAddress())) {
            addressRuns++;
            valuesDefined = false;
          }
          if (g.runsComparable()) {
            long r0 = System.nanoTime();
            runs +=
                compareRuns(kernel, runner, s, g, x.facts(), i % 4 == 0, valuesDefined, runDiffs);
            runNs += System.nanoTime() - r0;
          }
        } else {
          bothReject++;
        }
        if (unsound.size() + runDiffs.size() > 20) {
          break;
        }
      }
    }
    int rejected = falseRejections.values().stream().mapToInt(Integer::intValue).sum();
    System.out.printf(
        "verifier differential: %d programs (seed %d), both accept %d (%d packet runs), both"
            + " reject %d, false acceptances %d, false rejections %d, run differences %d (values not"
            + " compared, runs checked for traps only: %d programs read uninitialized stack, their"
            + " result undefined; %d turn an address into data, their result depends on where"
            + " memory lies)%n",
        count,
        seed,
        bothAccept,
        runs,
        bothReject,
        unsound.size(),
        rejected,
        runDiffs.size(),
        undefinedRuns,
        addressRuns);
    System.out.printf(
        "  time: kernel verifier %d ms, xdpemu verifier %d ms, runs (both sides) %d ms%n",
        kernelNs / 1_000_000, xdpemuNs / 1_000_000, runNs / 1_000_000);
    falseRejections.forEach(
        (m, n) ->
            System.out.println("  false rejection x" + n + ": " + falseRejectionExample.get(m)));
    unsound.forEach(u -> System.out.println("FALSE ACCEPTANCE " + u));
    runDiffs.forEach(d -> System.out.println("RUN DIFFERENCE " + d));
    assertTrue(
        unsound.isEmpty(),
        "xdpemu accepts programs the kernel rejects:\n" + String.join("\n", unsound));
    assertTrue(runDiffs.isEmpty(), "runs differ:\n" + String.join("\n", runDiffs));
    assertTrue(bothAccept > count / 10, "too few accepted programs to compare runs: " + bothAccept);
  }

  /** Whether a per-instruction verifier fact holds anywhere in the program. */
  static boolean any(boolean[] fact) {
    for (boolean b : fact) {
      if (b) {
        return true;
      }
    }
    return false;
  }

  static VerifierResult verify(Insn[] insns, int logLevel) {
    ProgramInfo info =
        new ProgramInfo() {
          @Override
          public LdImm64Target ldImm64(int pc) {
            Insn i = insns[pc];
            if (i.src() == Opcodes.PSEUDO_MAP_IDX || i.src() == Opcodes.PSEUDO_MAP_IDX_VALUE) {
              return null; // by index into fd_array: the kernel side passes none ("fd_idx without
              // fd_array is invalid")
            }
            if (i.src() == Opcodes.PSEUDO_MAP_VALUE && pc + 1 < insns.length) {
              // map number imm, as the kernel side resolves it (only map 0 exists; seed 2022825
              // used 0x80000000: "fd -2147483648 is not pointing to valid bpf_map")
              return i.imm() == 0 ? new LdImm64Target(0, ARRAY, insns[pc + 1].imm()) : null;
            }
            return i.imm() == 0 ? new LdImm64Target(0, ARRAY, -1) : null;
          }
        };
    return Verifier.verify(insns, VerifierOptions.privileged(info).withLogLevel(logLevel));
  }

  static final byte[][] PACKETS = packets();

  static byte[][] packets() {
    byte[] ramp = new byte[64];
    for (int i = 0; i < ramp.length; i++) {
      ramp[i] = (byte) (i * 7 + 3);
    }
    byte[] big = new byte[300];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (0xff - i);
    }
    return new byte[][] {ramp, Arrays.copyOf(ramp, 14), big};
  }

  private static int compareRuns(
      KernelVerifierBatch kernel,
      XdpemuRunner runner,
      long seed,
      EdgeProgramGenerator.Generated g,
      ProgramFacts facts,
      boolean jitToo,
      boolean compareValues,
      List<String> diffs)
      throws Exception {
    int n = 0;
    XdpemuRunner.Loaded interp;
    XdpemuRunner.Loaded jit;
    try {
      interp = runner.load(g.insns(), false, facts);
      jit = jitToo ? runner.load(g.insns(), true, facts) : null;
    } catch (RuntimeException e) {
      diffs.add(
          describe(seed, g, "accepted by both verifiers, refused by xdpemu's run time: " + e));
      return n;
    }
    for (byte[] p : PACKETS) {
      KernelVerifierBatch.Run k = kernel.run(p);
      for (XdpemuRunner.Loaded l : jit == null ? List.of(interp) : List.of(interp, jit)) {
        XdpemuRunner.Result r = l.run(p);
        n++;
        String what = null;
        if (r.trap() != null) {
          what = "trap: " + r.trap();
        } else if (k.errno() != 0) {
          what = "kernel test run failed errno=" + k.errno();
        } else if (compareValues && (r.retval() & 0xffffffffL) != k.retval()) {
          what = "retval " + (r.retval() & 0xffffffffL) + " vs kernel " + k.retval();
        } else if (compareValues && !Arrays.equals(r.data(), k.data())) {
          what = "bytes differ";
        }
        if (what != null) {
          diffs.add(describe(seed, g, l.engine() + " len=" + p.length + ": " + what));
          return n;
        }
      }
    }
    return n;
  }

  static String lastLine(String s) {
    String[] l = s.split("\n");
    return l[l.length - 1];
  }

  static String describe(long seed, EdgeProgramGenerator.Generated g, String what) {
    return "seed " + seed + " (" + what + ")\n" + listing(g.insns()).indent(4);
  }

  /** The disassembly, or the raw words where the disassembler cannot name a slot. */
  static String listing(Insn[] insns) {
    try {
      return String.join("\n", new Disassembler().listing(insns));
    } catch (RuntimeException e) {
      StringBuilder sb = new StringBuilder();
      for (int pc = 0; pc < insns.length; pc++) {
        sb.append(String.format("%d: %016x%n", pc, insns[pc].encode()));
      }
      return sb.toString();
    }
  }
}
