package io.xdpemu.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.facts.MemoryFact;
import io.xdpemu.ebpf.facts.ProgramFacts;
import io.xdpemu.ebpf.maps.MapDefinition;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The facts the JIT relies on: recorded per access, joined over every verified path. */
class FactRecorderTest {
  private static final String PARSE =
      String.join(
          "\n",
          "ldxw %r2, [%r1+0]", // 0: ctx->data
          "ldxw %r3, [%r1+4]", // 1: ctx->data_end
          "mov %r4, %r2",
          "add %r4, 14",
          "jgt %r4, %r3, out",
          "ldxb %r0, [%r2+12]", // 5: packet, in range
          "stxdw [%r10-8], %r0", // 6: stack
          "out:",
          "mov %r0, 2",
          "exit");

  @Test
  void provenAccessesAreRecordedByObject() {
    VerifierResult r = VerifierBehaviourTest.root(PARSE);
    assertTrue(r.accepted(), r.log());
    ProgramFacts f = r.facts();
    assertEquals(MemoryFact.context(0), f.access(0));
    assertEquals(MemoryFact.context(4), f.access(1));
    assertSame(MemoryFact.PACKET, f.access(5));
    assertSame(MemoryFact.STACK, f.access(6));
    assertNull(f.access(2), "not a memory access");
  }

  @Test
  void pathsThatDisagreeLeaveNoFact() {
    // pc 9 reads through r2, a packet pointer on one path and a stack pointer on the other.
    VerifierResult r =
        VerifierBehaviourTest.root(
            String.join(
                "\n",
                "ldxw %r2, [%r1+0]",
                "ldxw %r3, [%r1+4]",
                "mov %r4, %r2",
                "add %r4, 14",
                "jgt %r4, %r3, out",
                "ja read",
                "out:",
                "mov %r2, %r10",
                "add %r2, -16",
                "stdw [%r10-16], 0",
                "read:",
                "ldxb %r0, [%r2+0]",
                "exit"));
    assertTrue(r.accepted(), r.log());
    assertNull(r.facts().access(9), r.facts().toString());
    assertSame(MemoryFact.STACK, r.facts().access(8));
  }

  @Test
  void aRejectedProgramHasNoFacts() {
    VerifierResult r =
        VerifierBehaviourTest.root(
            String.join("\n", "ldxw %r2, [%r1+0]", "ldxb %r0, [%r2+0]", "exit"));
    assertFalse(r.accepted());
    assertSame(ProgramFacts.NONE, r.facts());
  }

  @Test
  void aMapHelperCallKnowsItsMapAndDeadBranchesAreNotLive() {
    MapDefinition m = new MapDefinition("m", 2, 4, 8, 4, 0, 0, 0, 0, null, null, null, false);
    VerifierResult r =
        VerifierBehaviourTest.root(
            String.join(
                "\n",
                "mov %r1, 0", // 0
                "jeq %r1, 0, look", // 1: always taken
                "mov %r0, 7", // 2: dead
                "look:",
                "stw [%r10-4], 0", // 3
                "lddw %r1, 0xfd", // 4, 5: the map
                "mov %r2, %r10", // 6
                "add %r2, -4", // 7
                "call 1", // 8: bpf_map_lookup_elem(map, key)
                "mov %r0, 2",
                "exit"),
            m);
    assertTrue(r.accepted(), r.log());
    ProgramFacts f = r.facts();
    assertEquals(4, f.constantMap(8), f.toString());
    assertEquals(-1, f.constantMap(3), "not a call");
    assertFalse(f.live(2));
    assertTrue(f.live(1) && f.live(8));
  }

  @Test
  void readModifyWriteAtomicsAreProvenLikeStores() {
    VerifierResult r =
        VerifierBehaviourTest.root(
            String.join(
                "\n",
                "stdw [%r10-8], 0", // 0
                "mov %r1, 1", // 1
                "lock add [%r10-8], %r1", // 2: atomic add on the stack
                "mov %r0, 2",
                "exit"));
    assertTrue(r.accepted(), r.log());
    assertSame(MemoryFact.STACK, r.facts().access(2), r.facts().toString());
  }

  @Test
  void constantScalarsAreRecordedWhereTheyAreRead() {
    VerifierResult r =
        VerifierBehaviourTest.root(
            String.join(
                "\n",
                "mov %r2, 5", // 0
                "mov %r3, %r2", // 1: reads r2 = 5
                "add %r3, 7", // 2: reads r3 = 5
                "ldxw %r4, [%r1+0]", // 3: r4 = ctx->data (a pointer, no constant)
                "stxdw [%r10-8], %r3", // 4: stores r3 = 12
                "ldxdw %r5, [%r10-8]", // 5: a fill
                "jgt %r5, 10, out", // 6: reads r5 = 12, so always taken
                "mov %r0, 1",
                "out:",
                "mov %r0, 2",
                "exit"));
    assertTrue(r.accepted(), r.log());
    ProgramFacts f = r.facts();
    assertEquals(OptionalLong.of(5), f.constant(1, 2));
    assertEquals(OptionalLong.of(5), f.constant(2, 3));
    assertEquals(OptionalLong.of(12), f.constant(4, 3));
    assertEquals(OptionalLong.of(12), f.constant(6, 5), "a spilled constant is one after its fill");
    assertEquals(OptionalLong.empty(), f.constant(6, 4), "not read by the jump");
    assertEquals(OptionalLong.empty(), f.constant(0, 2), "a mov does not read its dst");
  }

  @Test
  void aConstantThatDiffersBetweenPathsIsNone() {
    VerifierResult r =
        VerifierBehaviourTest.root(
            String.join(
                "\n",
                "ldxw %r2, [%r1+0]", // 0
                "ldxw %r3, [%r1+4]", // 1
                "mov %r4, 1", // 2
                "jgt %r2, %r3, join", // 3: unknown outcome
                "mov %r4, 2", // 4
                "join:",
                "mov %r5, %r4", // 5: 1 on one path, 2 on the other
                "add %r5, 3", // 6
                "mov %r0, 2",
                "exit"));
    assertTrue(r.accepted(), r.log());
    assertEquals(OptionalLong.empty(), r.facts().constant(5, 4), r.log());
    assertEquals(OptionalLong.empty(), r.facts().constant(6, 5), r.log());
  }

  /** xdp_trafficgen's return: the first path to a pc has no constant, a later one has 0. */
  @Test
  void aPathWithoutAConstantCountsWhenItComesFirst() {
    VerifierResult r =
        VerifierBehaviourTest.root(
            String.join(
                "\n",
                "ldxw %r2, [%r1+0]", // 0
                "ldxw %r3, [%r1+4]", // 1
                "mov %r4, 0", // 2
                "jgt %r2, %r3, join", // 3: falls through first
                "ldxw %r4, [%r1+16]", // 4: ingress_ifindex, unknown
                "join:",
                "mov %r0, %r4", // 5: unknown first, then 0
                "exit"));
    assertTrue(r.accepted(), r.log());
    assertEquals(OptionalLong.empty(), r.facts().constant(5, 4), r.log());
  }

  /**
   * A path cut at a prune point where the explored state's imprecise scalar matched any value: the
   * constant the explored path saw below it is not the cut path's, so it is dropped; one set from
   * an immediate after the cut is kept.
   */
  @Test
  void aPruneOnAnImpreciseScalarDropsTheConstantsBelowIt() {
    StringBuilder filler = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      filler.append("mov %r6, ").append(i).append("\n"); // enough work for a checkpoint at 16
    }
    VerifierResult r =
        VerifierBehaviourTest.root(
            String.join(
                "\n",
                "ldxw %r2, [%r1+0]", // 0
                "ldxw %r3, [%r1+4]", // 1
                "mov %r4, 1", // 2
                "jeq %r2, %r3, +0", // 3
                filler.toString().strip(), // 4..13
                "jgt %r2, %r3, join", // 14: explored falling through first
                "mov %r4, 2", // 15
                "join:",
                "mov %r5, %r4", // 16: r4 = 2 explored; r4 = 1 cut here (imprecise: any value)
                "add %r5, 3", // 17: r5 = 2 on the explored path only
                "mov %r7, 9", // 18
                "add %r7, 1", // 19: r7 = 9 on every path, cut or not
                "mov %r0, 2",
                "exit"));
    assertTrue(r.accepted(), r.log());
    assertTrue(r.log().contains("16: safe"), "the test needs a prune at 16: " + r.log());
    assertEquals(OptionalLong.empty(), r.facts().constant(16, 4), r.log());
    assertEquals(OptionalLong.empty(), r.facts().constant(17, 5), r.log());
    assertEquals(OptionalLong.of(9), r.facts().constant(19, 7), "set after the cut: " + r.log());
  }
}
