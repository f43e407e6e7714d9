package io.xdpemu.ebpf.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.InternalErrorException;
import io.xdpemu.ebpf.isa.Assembler;
import io.xdpemu.ebpf.vm.Engine;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.Helper;
import io.xdpemu.ebpf.vm.HelperRegistry;
import io.xdpemu.ebpf.vm.Linkage;
import io.xdpemu.ebpf.vm.Program;
import io.xdpemu.ebpf.vm.RegionRegistry;
import io.xdpemu.ebpf.vm.TrapException;
import org.junit.jupiter.api.Test;

/**
 * What every engine must do beyond the conformance suite: BPF-to-BPF calls and their frames, tail
 * calls, helper dispatch, the instruction budget and the traps, with the interpreter's messages and
 * pcs. One subclass per engine.
 */
abstract class EngineContractTest {
  abstract Engine engine();

  final HelperRegistry helpers = new HelperRegistry();
  final ExecutionContext ctx = new ExecutionContext(new RegionRegistry());

  Program program(String... lines) {
    return program(Linkage.NONE, lines);
  }

  Program program(Linkage linkage, String... lines) {
    return new Program("contract", Assembler.assemble(String.join("\n", lines)), helpers, linkage);
  }

  long run(Program p) {
    return engine().prepare(p).run(ctx, 0x1111, 0x2222);
  }

  TrapException trap(Program p) {
    return assertThrows(TrapException.class, () -> run(p));
  }

  @Test
  void localCallPreservesCalleeSavedRegistersAndGivesEachFrameItsOwnStack() {
    Program p =
        program(
            "mov %r6, 6",
            "mov %r9, 9",
            "stdw [%r10-8], 77",
            "mov %r1, 5",
            "call local f",
            "ldxdw %r2, [%r10-8]", // the caller's slot, untouched by the callee's own -8
            "add %r0, %r2",
            "add %r0, %r6",
            "add %r0, %r9",
            "exit",
            "f:",
            "stdw [%r10-8], 1000",
            "mov %r6, 600",
            "mov %r9, 900",
            "ldxdw %r0, [%r10-8]",
            "add %r0, %r1",
            "exit");
    assertEquals(1005 + 77 + 6 + 9, run(p));
  }

  @Test
  void calleeCallerSavedRegistersAreVisibleAfterTheCallAsInTheSharedRegisterFile() {
    Program p =
        program(
            "mov %r1, 1",
            "call local f",
            "mov %r0, %r3",
            "add %r0, %r5",
            "exit",
            "f:",
            "mov %r3, 30",
            "mov %r5, 50",
            "exit");
    assertEquals(80, run(p));
  }

  @Test
  void callsNestEightFramesDeepAndTrapOnTheNinthAtTheCall() {
    // f(n): n == 0 ? 0 : 1 + f(n - 1); the main program is frame 1 of 8
    String[] body = {
      "call local f",
      "exit",
      "f:",
      "jeq %r1, 0, leaf",
      "sub %r1, 1",
      "call local f",
      "add %r0, 1",
      "exit",
      "leaf:",
      "mov %r0, 0",
      "exit"
    };
    String[] seven = new String[body.length + 1];
    seven[0] = "mov %r1, 6";
    System.arraycopy(body, 0, seven, 1, body.length);
    assertEquals(6, run(program(seven)));
    seven[0] = "mov %r1, 7";
    TrapException t = trap(program(seven));
    assertEquals(5, t.pc());
    assertEquals("trap at pc 5: call stack too deep: more than 8 frames", t.getMessage());
  }

  @Test
  void helperSeesArgumentsAndTheCallPcAndReturnsInR0() {
    helpers.register(
        7, "probe", (c, r1, r2, r3, r4, r5) -> c.pc * 1_000_000L + r1 * 10000 + r2 * 100 + r5);
    Program p = program("mov %r1, 1", "mov %r2, 2", "mov %r5, 5", "call 7", "exit");
    assertEquals(3_010_205L, run(p));
  }

  @Test
  void aBugInAHelperIsAnInternalErrorNeverATrap() {
    IllegalStateException bug = new IllegalStateException("helper bug");
    helpers.register(
        7,
        "buggy",
        (c, r1, r2, r3, r4, r5) -> {
          throw bug;
        });
    Program p = program("mov %r1, 1", "call 7", "exit");
    InternalErrorException e = assertThrows(InternalErrorException.class, () -> run(p));
    assertSame(bug, e.getCause());
    assertEquals(InternalErrorException.EXIT_CODE, e.exitCode());
    assertTrue(e.getMessage().startsWith("internal error: "), e.getMessage());
    assertTrue(e.getMessage().contains("pc 1 of contract"), e.getMessage());
    assertTrue(e.getMessage().endsWith("(please report)"), e.getMessage());
  }

  @Test
  void callxCallsTheHelperWhoseIdIsInTheRegister() {
    helpers.register(9, "nine", (c, r1, r2, r3, r4, r5) -> 99);
    assertEquals(99, run(program("mov %r4, 9", "call %r4", "exit")));
    TrapException t = trap(program("mov %r4, -3", "call %r4", "exit"));
    assertEquals("trap at pc 1: call to unknown helper id -3", t.getMessage());
  }

  @Test
  void unknownHelperTrapsNamingItsId() {
    TrapException t = trap(program("mov %r0, 0", "call 4242", "exit"));
    assertEquals("trap at pc 1: call to unknown helper id 4242", t.getMessage());
  }

  @Test
  void unresolvedKfuncTrapsNamingItsBtfId() {
    TrapException t = trap(program("call runtime 77", "exit"));
    assertEquals("trap at pc 0: call to unresolved kfunc (BTF id 77)", t.getMessage());
  }

  @Test
  void tailCallContinuesInTheTargetWithTheSameRegistersAndNeverReturns() {
    Program target = program("mov %r0, %r6", "add %r0, %r1", "exit");
    helpers.register(12, "bpf_tail_call", tailCallTo(target));
    Program p = program("mov %r6, 40", "call 12", "mov %r0, -1", "exit");
    assertEquals(40 + 0x1111, run(p));
  }

  @Test
  void tailCallInsideASubprogramReplacesOnlyThatFrame() {
    Program target = program("mov %r0, 5", "exit");
    helpers.register(12, "bpf_tail_call", tailCallTo(target));
    Program p =
        program(
            "mov %r6, 100",
            "call local f", "add %r0, %r6", "exit", "f:", "call 12", "mov %r0, -1", "exit");
    assertEquals(105, run(p));
  }

  private static Helper tailCallTo(Program target) {
    return (c, r1, r2, r3, r4, r5) -> {
      c.tailCallTarget = target;
      return 0;
    };
  }

  @Test
  void endlessLoopExhaustsTheBudgetAtTheJumpTarget() {
    ctx.budget = 1000;
    TrapException t = trap(program("mov %r0, 0", "loop:", "add %r0, 1", "ja loop", "exit"));
    assertEquals("trap at pc 1: instruction budget exhausted", t.getMessage());
  }

  @Test
  void budgetIsChargedPerStraightLineRunAndLeftInTheContext() {
    ctx.budget = 1000;
    long r0 = run(program("mov %r0, 0", "loop:", "add %r0, 1", "jlt %r0, 10, loop", "exit"));
    assertEquals(10, r0);
    assertEquals(1000 - (1 + 10 * 2 + 1), ctx.budget);
  }

  @Test
  void fallingOffTheEndTraps() {
    TrapException t = trap(program("mov %r0, 1", "jne %r1, 0, +1", "exit", "add %r0, 1"));
    assertEquals("trap at pc 4: fell off the end of the program", t.getMessage());
  }

  @Test
  void unlinkedPseudoLdImm64TrapsOnlyWhenReached() {
    Program p =
        new Program(
            "pseudo",
            new io.xdpemu.ebpf.isa.Insn[] {
              new io.xdpemu.ebpf.isa.Insn(0xb7, 0, 0, 0, 3), // mov r0, 3
              new io.xdpemu.ebpf.isa.Insn(0x55, 1, 0, 2, 0), // jne r1, 0, +2
              new io.xdpemu.ebpf.isa.Insn(0x18, 0, 1, 0, 7), // ld_imm64 r0, map fd 7
              new io.xdpemu.ebpf.isa.Insn(0, 0, 0, 0, 0),
              new io.xdpemu.ebpf.isa.Insn(0x95, 0, 0, 0, 0)
            },
            helpers,
            Linkage.NONE);
    assertEquals(3, run(p));
    TrapException t = assertThrows(TrapException.class, () -> engine().prepare(p).run(ctx, 0, 0));
    assertEquals("trap at pc 2: ld_imm64 with a pseudo source was not linked", t.getMessage());
  }

  @Test
  void outOfBoundsStackWriteTrapsWithTheMemoryModelsMessage() {
    TrapException t = trap(program("mov %r0, 0", "stw [%r10+4], 1", "exit"));
    assertEquals(1, t.pc());
    assertEquals(
        assertThrows(
                TrapException.class,
                () ->
                    Engine.INTERPRETER
                        .prepare(program("mov %r0, 0", "stw [%r10+4], 1", "exit"))
                        .run(ctx, 0, 0))
            .getMessage(),
        t.getMessage());
  }

  @Test
  void atomicsOnTheStackFetchExchangeAndCompare() {
    Program p =
        program(
            "stdw [%r10-8], 10",
            "mov %r1, 5",
            "lock fetch add [%r10-8], %r1", // r1 = 10, mem 15
            "mov %r0, 15",
            "mov %r2, 99",
            "lock cmpxchg [%r10-8], %r2", // mem == r0: mem = 99, r0 = 15
            "mov %r3, 7",
            "lock xchg [%r10-8], %r3", // r3 = 99, mem 7
            "ldxdw %r4, [%r10-8]",
            "mul %r1, 1000000",
            "mul %r3, 1000",
            "add %r0, %r1",
            "add %r0, %r3",
            "add %r0, %r4",
            "exit");
    assertEquals(10_000_000 + 99_000 + 15 + 7, run(p));
  }

  /** Slot {@code funcPc} becomes ld_imm64 src 4 of the callback at {@code cb}, linked as libbpf. */
  private Program withCallback(int funcPc, int cb, String... lines) {
    io.xdpemu.ebpf.isa.Insn[] insns = Assembler.assemble(String.join("\n", lines));
    insns[funcPc] = insns[funcPc].withSrc(4).withImm(cb - funcPc - 1);
    Linkage linkage =
        new Linkage() {
          @Override
          public long ldImm64(int pc) {
            return pc + 1L + insns[pc].imm();
          }

          @Override
          public Helper kfunc(int pc) {
            return null;
          }
        };
    return new Program("cb", insns, helpers, linkage);
  }

  private void registerLoopHelper() {
    // bpf_loop-like: calls the callback r1 times with (index, r3); stops on non-zero.
    helpers.register(
        181,
        "loop",
        (c, n, fn, arg, flags, unused) -> {
          for (long i = 0; i < n; i++) {
            if (c.callbacks.invoke(c, fn, i, arg, 0, 0, 0) != 0) {
              return i + 1;
            }
          }
          return n;
        });
  }

  @Test
  void helpersCallBackIntoTheProgramInAFrameBelowTheCaller() {
    registerLoopHelper();
    Program p =
        withCallback(
            3,
            15,
            "stdw [%r10-8], 0",
            "mov %r6, 7",
            "mov %r1, 10",
            "lddw %r2, 0", // slot 3: becomes ld_imm64 src 4 -> cb
            "mov %r3, %r10",
            "add %r3, -8",
            "mov %r4, 0",
            "call 181",
            "jne %r0, 10, fail",
            "jne %r6, 7, fail", // the callback's r6 is its own
            "ldxdw %r0, [%r10-8]",
            "exit",
            "fail:",
            "mov %r0, -1",
            "exit",
            "ldxdw %r3, [%r2+0]", // cb (slot 15): *arg += index
            "add %r3, %r1",
            "stxdw [%r2+0], %r3",
            "mov %r6, 99",
            "stdw [%r10-8], 5", // its own frame, not the caller's
            "mov %r0, 0",
            "exit");
    ctx.budget = 10_000;
    assertEquals(45, run(p));
    assertEquals(10_000 - 13 - 10 * 7, ctx.budget); // 13 slots of main, 7 per callback
  }

  @Test
  void callbacksCountTowardsTheFrameLimitAndTheBudget() {
    helpers.register(
        181, "loop", (c, n, fn, arg, f, u) -> c.callbacks.invoke(c, fn, 0, 0, 0, 0, 0));
    TrapException t = trap(withCallback(0, 0, "lddw %r2, 0", "call 181", "exit"));
    assertEquals("trap at pc 2: call stack too deep: more than 8 frames", t.getMessage());
    ctx.budget = 50;
    t = trap(withCallback(0, 4, "lddw %r2, 0", "call 181", "exit", "loop:", "ja loop"));
    assertEquals("trap at pc 4: instruction budget exhausted", t.getMessage());
  }
}
