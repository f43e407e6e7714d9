package io.xdpemu.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.facts.MemoryFact;
import io.xdpemu.ebpf.facts.ProgramFacts;
import io.xdpemu.ebpf.maps.MapDefinition;
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
}
