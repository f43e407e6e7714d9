package io.xdpemu.verifier;

import static io.xdpemu.verifier.VerifierBehaviourTest.assertAccepted;
import static io.xdpemu.verifier.VerifierBehaviourTest.assertRejected;
import static io.xdpemu.verifier.VerifierBehaviourTest.root;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Pruning and bounds rules of Linux 6.18 that decide processed-instruction counts (issue 11.1).
 * Every expected figure was taken from the running kernel: the same instructions compiled from C
 * inline assembly with clang 16 and loaded as XDP by root with log level 2.
 */
class PruningAgreementTest {
  /** Two paths meet at l2 with different contents in fp-8, which l2 overwrites before reading. */
  private static final String DEAD_SLOT =
      "call 7\n"
          + "mov %r7, %r0\n"
          + "mov %r6, 0\n"
          + "jeq %r7, 0, +12\n"
          + "mov %r1, %r10\n"
          + "stxdw [%r10-8], %r1\n"
          + "jeq %r6, 7, +10\n"
          + "add %r6, 1\n"
          + "add %r6, 1\n"
          + "add %r6, 1\n"
          + "add %r6, 1\n"
          + "add %r6, 1\n"
          + "add %r6, 1\n"
          + "add %r6, 1\n"
          + "add %r6, 1\n"
          + "ja +1\n"
          + "stxdw [%r10-8], %r7\n"
          + "mov %r2, 0\n"
          + "stxdw [%r10-8], %r2\n"
          + "ldxdw %r0, [%r10-8]\n"
          + "add %r0, 1\n"
          + "add %r0, 1\n"
          + "add %r0, 1\n"
          + "add %r0, 1\n"
          + "mov %r0, 0\n"
          + "exit";

  @Test
  void aStackSlotWrittenBeforeItIsReadDoesNotBlockPruning() {
    // 6.18's stack liveness (kernel/bpf/liveness.c): fp-8 is dead at l2, so the second path (a
    // scalar where the first had a stack pointer) is pruned there: "17: safe", 27 processed
    VerifierResult r = root(DEAD_SLOT);
    assertAccepted(r);
    assertEquals(27, r.insnProcessed(), r.log());
    assertEquals(1, r.totalStates(), r.log());
    assertTrue(r.log().contains("\n17: safe\n"), r.log());
  }

  @Test
  void aStackSlotReadAfterTheJoinStillSeparatesTheStates() {
    // the same shape, but l2 reads fp-8 as an offset into the stack: the path with an unknown
    // offset must be checked, not pruned (kernel: "invalid read from stack R3 off=0 size=8")
    String live =
        "call 7\n"
            + "mov %r7, %r0\n"
            + "mov %r6, 0\n"
            + "stxdw [%r10-16], %r6\n"
            + "jeq %r7, 0, +12\n"
            + "mov %r1, -16\n"
            + "stxdw [%r10-8], %r1\n"
            + "jeq %r6, 7, +10\n"
            + "add %r6, 1\n"
            + "add %r6, 1\n"
            + "add %r6, 1\n"
            + "add %r6, 1\n"
            + "add %r6, 1\n"
            + "add %r6, 1\n"
            + "add %r6, 1\n"
            + "add %r6, 1\n"
            + "ja +1\n"
            + "stxdw [%r10-8], %r0\n"
            + "ldxdw %r1, [%r10-8]\n"
            + "mov %r3, %r10\n"
            + "add %r3, %r1\n"
            + "ldxdw %r0, [%r3+0]\n"
            + "mov %r0, 0\n"
            + "exit";
    assertRejected(root(live), "invalid read from stack R3 off=0 size=8");
  }

  @Test
  void aRangeMeetingItsTnumInOneValueIsThatConstant() {
    // __update_reg64_bounds() with tnum_step(): r2 & 2 != 0 leaves exactly 2
    VerifierResult r =
        root(
            "call 7\n"
                + "mov %r2, %r0\n"
                + "and %r2, 2\n"
                + "jne %r2, 0, +2\n"
                + "mov %r0, 0\n"
                + "exit\n"
                + "mov %r0, %r2\n"
                + "exit");
    assertAccepted(r);
    assertTrue(r.log().contains("from 3 to 6: R0=scalar(id=1"), r.log());
    assertTrue(r.log().contains(" R2=2 "), r.log());
  }

  @Test
  void onlyLiveRegistersLearnFromALinkedComparison() {
    // "collect only live registers in linked regs": r0 is dead after the jump and keeps its
    // unknown value, the spilled copy learns the bound (kernel log of the same program)
    VerifierResult r =
        root(
            "call 5\n"
                + "stxdw [%r10-8], %r0\n"
                + "ldxdw %r1, [%r10-8]\n"
                + "mov %r8, 0\n"
                + "jsgt %r8, %r1, +2\n"
                + "mov %r0, 1\n"
                + "exit\n"
                + "mov %r0, 2\n"
                + "exit");
    assertAccepted(r);
    assertTrue(
        r.log()
            .contains(
                "from 4 to 7: R0=scalar(id=1) R1=scalar(id=1,smax=-1,umin=0x8000000000000000,"),
        r.log());
  }

  @Test
  void aCpuIdIsBelowNrCpuIds() {
    // do_refine_retval_range(): bpf_get_smp_processor_id() < nr_cpu_ids, which decides the
    // branch below (as the kernel of a 2-CPU host does); with 4 CPUs both branches are explored
    String prog = "call 8\njgt %r0, 1, +2\nmov %r0, 2\nexit\nmov %r0, 1\nexit";
    VerifierOptions two =
        VerifierOptions.privileged(ProgramInfo.NONE).withLogLevel(2).withNrCpuIds(2);
    VerifierResult r = Verifier.verify(VerifierBehaviourTest.asm(prog), two);
    assertAccepted(r);
    assertTrue(r.log().contains("R0=scalar(smin=smin32=0,smax=umax=smax32=umax32=1,"), r.log());
    assertEquals(4, r.insnProcessed(), r.log());
    VerifierResult four = Verifier.verify(VerifierBehaviourTest.asm(prog), two.withNrCpuIds(4));
    assertEquals(6, four.insnProcessed(), four.log());
  }
}
