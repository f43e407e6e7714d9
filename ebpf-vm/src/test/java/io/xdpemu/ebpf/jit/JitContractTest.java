package io.xdpemu.ebpf.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.facts.ProgramFacts;
import io.xdpemu.ebpf.vm.Engine;
import io.xdpemu.ebpf.vm.Executable;
import io.xdpemu.ebpf.vm.Program;
import io.xdpemu.ebpf.vm.TrapException;
import org.junit.jupiter.api.Test;

/** The engine contract on the JIT, plus what only the JIT has: wide jumps and the fallback. */
class JitContractTest extends EngineContractTest {
  @Override
  Engine engine() {
    return io.xdpemu.ebpf.engines.Engines.byName("jit");
  }

  /** A loop whose body is {@code n} ALU ops: jumps span the whole body. */
  private Program bigLoop(int n) {
    String[] lines = new String[n + 5];
    lines[0] = "mov %r6, 3";
    lines[1] = "loop:";
    for (int i = 0; i < n; i++) {
      lines[2 + i] = i % 2 == 0 ? "add %r0, " + i : "xor32 %r0, " + (i * 7919);
    }
    lines[n + 2] = "sub %r6, 1";
    lines[n + 3] = "jne %r6, 0, loop";
    lines[n + 4] = "exit";
    return program(lines);
  }

  @Test
  void jumpsBeyondSixteenBitOffsetsCompileWithWideJumps() {
    Program p = bigLoop(4_000); // about 40 KB of bytecode: the back edge needs goto_w
    Executable e = engine().prepare(p);
    assertTrue(JitEngine.compiled(e));
    ctx.budget = 1_000_000;
    long r0 = e.run(ctx, 0, 0);
    long left = ctx.budget;
    ctx.budget = 1_000_000;
    assertEquals(Engine.INTERPRETER.prepare(p).run(ctx, 0, 0), r0);
    assertEquals(ctx.budget, left);
  }

  @Test
  void programTooLargeForOneJvmMethodRunsInTheInterpreter() {
    Program p = bigLoop(12_000); // over 64 KB of bytecode
    Executable e = engine().prepare(p);
    assertFalse(JitEngine.compiled(e));
    assertEquals(Engine.INTERPRETER.prepare(p).run(ctx, 0, 0), e.run(ctx, 0, 0));
  }

  @Test
  void aProgramIsCompiledOnceAndIdenticalCodeSharesItsClass() {
    Program a = bigLoop(10);
    Executable e = engine().prepare(a);
    assertSame(e, engine().prepare(a));
    assertEquals(Engine.INTERPRETER.prepare(a).run(ctx, 0, 0), e.run(ctx, 0, 0));
  }

  @Test
  void anUnverifiedCopyOfAVerifiedProgramStillRunsOutOfBudget() {
    // Verified code is compiled without the instruction meter; the class cache must not hand that
    // code to an unverified program with the same instructions.
    ProgramFacts verified = pc -> null;
    engine().prepare(program("loop:", "ja loop", "exit"), verified); // compiled, never run
    Executable unverified = engine().prepare(program("loop:", "ja loop", "exit"));
    ctx.budget = 10_000;
    TrapException t = assertThrows(TrapException.class, () -> unverified.run(ctx, 0, 0));
    assertTrue(t.getMessage().endsWith("instruction budget exhausted"), t.getMessage());
  }
}
