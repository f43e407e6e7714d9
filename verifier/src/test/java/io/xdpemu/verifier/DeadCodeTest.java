package io.xdpemu.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.facts.ProgramFacts;
import io.xdpemu.ebpf.isa.EncodingException;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import io.xdpemu.ebpf.jit.JitEngine;
import io.xdpemu.ebpf.vm.Engine;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.HelperRegistry;
import io.xdpemu.ebpf.vm.Linkage;
import io.xdpemu.ebpf.vm.Program;
import io.xdpemu.ebpf.vm.RegionRegistry;
import org.junit.jupiter.api.Test;

/**
 * Dead code as the kernel treats it (issue 13): do_check() checks reserved fields only where it
 * goes, so a program whose dead branch holds one is accepted and runs; the engines sanitize the
 * slots no verified path reaches; an unverified program ({@code --no-verify}) is still refused.
 */
class DeadCodeTest {
  /** r1 = 0; if r1 == 0 goto +1 (always); add r0, 1 with src = 3 (reserved); r0 = 2; exit. */
  static final Insn[] DEAD_RESERVED = {
    new Insn(Opcodes.ALU64 | Opcodes.MOV, 1, 0, 0, 0),
    new Insn(Opcodes.JMP | Opcodes.JEQ, 1, 0, 1, 0),
    new Insn(Opcodes.ALU64 | Opcodes.ADD, 0, 3, 0, 1),
    new Insn(Opcodes.ALU64 | Opcodes.MOV, 0, 0, 0, 2),
    new Insn(Opcodes.EXIT_OP, 0, 0, 0, 0),
  };

  static VerifierResult verify(Insn[] insns) {
    return Verifier.verify(insns, VerifierOptions.privileged(ProgramInfo.NONE));
  }

  @Test
  void reservedFieldsInDeadCodeAreAcceptedAndRunOnBothEngines() {
    VerifierResult r = verify(DEAD_RESERVED);
    assertTrue(r.accepted(), r.log());
    ProgramFacts f = r.facts();
    assertFalse(f.live(2), "the fall-through of an always-taken branch is dead");
    assertTrue(f.live(1) && f.live(3) && f.live(4));
    for (Engine e : new Engine[] {Engine.INTERPRETER, JitEngine.INSTANCE}) {
      Program p =
          new Program("dead_" + e.name(), DEAD_RESERVED, new HelperRegistry(), Linkage.NONE);
      ExecutionContext ctx = new ExecutionContext(new RegionRegistry());
      assertEquals(2, e.prepare(p, f).run(ctx, ExecutionContext.contextPointer()), e.name());
    }
  }

  @Test
  void aReachedReservedFieldIsRejectedWithTheKernelsMessage() {
    Insn[] live = DEAD_RESERVED.clone();
    live[1] = new Insn(Opcodes.JMP | Opcodes.JEQ, 1, 0, 1, 1); // if r1 == 1: never, so pc 2 runs
    VerifierResult r = verify(live);
    VerifierBehaviourTest.assertRejected(r, "BPF_ALU uses reserved fields");
  }

  @Test
  void unverifiedProgramsKeepTheStrictDecoder() {
    for (Engine e : new Engine[] {Engine.INTERPRETER, JitEngine.INSTANCE}) {
      Program p =
          new Program("strict_" + e.name(), DEAD_RESERVED, new HelperRegistry(), Linkage.NONE);
      assertThrows(EncodingException.class, () -> e.prepare(p, ProgramFacts.NONE), e.name());
    }
  }

  @Test
  void unknownOpcodesAreRefusedEvenInDeadCode() {
    Insn[] bad = DEAD_RESERVED.clone();
    bad[2] = new Insn(0x8e, 0, 0, 0, 0); // bpf_opcode_in_insntable() checks every slot up front
    VerifierBehaviourTest.assertRejected(verify(bad), "unknown opcode 8e");
  }
}
