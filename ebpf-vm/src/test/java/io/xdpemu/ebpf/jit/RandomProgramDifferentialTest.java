package io.xdpemu.ebpf.jit;

import static io.xdpemu.ebpf.isa.Opcodes.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.InternalErrorException;
import io.xdpemu.ebpf.MalformedInputException;
import io.xdpemu.ebpf.XdpemuException;
import io.xdpemu.ebpf.isa.Decoder;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.vm.Engine;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.HelperRegistry;
import io.xdpemu.ebpf.vm.Linkage;
import io.xdpemu.ebpf.vm.Program;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * JIT against interpreter on seeded random programs: every ALU operation in both widths and both
 * source kinds (division by zero, shifts, sign extension, byte swaps included), every conditional
 * jump, forward and backward, stack loads/stores of every size, some out of bounds. Both engines
 * must end the same way: the same r0 and budget left, or a trap with the same pc and message.
 */
class RandomProgramDifferentialTest {
  private static final int PROGRAMS = 1500;
  private static final int[] ALU_CODES = {
    ADD, SUB, MUL, DIV, OR, AND, LSH, RSH, MOD, XOR, MOV, ARSH
  };
  private static final int[] JMP_CODES = {
    JEQ, JGT, JGE, JSET, JNE, JSGT, JSGE, JLT, JLE, JSLT, JSLE
  };
  private static final int[] SIZES = {B, H, W, DW};

  @Test
  void randomProgramsEndIdenticallyUnderBothEngines() {
    Random rnd = new Random(20261125);
    int compiled = 0;
    int traps = 0;
    int budgetTraps = 0;
    for (int i = 0; i < PROGRAMS; i++) {
      Insn[] insns = randomProgram(rnd);
      try {
        Decoder.validate(insns);
      } catch (MalformedInputException refused) {
        continue; // a combination the decoder refuses (both engines refuse it the same way)
      }
      Program p = new Program("random" + i, insns, new HelperRegistry(), Linkage.NONE);
      long budget = rnd.nextBoolean() ? 200 : 100_000;
      String interp = outcome(Engine.INTERPRETER, p, budget);
      String jit = outcome(JitEngine.INSTANCE, p, budget);
      assertEquals(interp, jit, () -> "program " + listing(insns));
      // What ran was compiled code, not the interpreter the JIT falls back to for huge programs.
      assertTrue(
          JitEngine.compiled(JitEngine.INSTANCE.prepare(p)),
          () -> "the JIT fell back to the interpreter for program " + listing(insns));
      compiled++;
      if (interp.startsWith("trap")) {
        traps++;
        if (interp.contains("budget")) {
          budgetTraps++;
        }
      }
    }
    assertTrue(compiled > PROGRAMS * 3 / 4, compiled + " programs valid");
    assertTrue(traps > 50 && compiled - traps > 500, traps + " of " + compiled + " trapped");
    assertTrue(budgetTraps > 20, budgetTraps + " budget traps");
  }

  private static String outcome(Engine engine, Program p, long budget) {
    ExecutionContext ctx = new ExecutionContext(new RegionRegistry());
    ctx.budget = budget;
    try {
      long r0 = engine.prepare(p).run(ctx, 0x1234_5678_9abc_def0L, -77);
      return "r0=" + Long.toHexString(r0) + " budget=" + ctx.budget;
    } catch (InternalErrorException bug) {
      throw bug; // never an outcome to compare: a bug of either engine
    } catch (XdpemuException e) {
      return e.getMessage();
    }
  }

  private static Insn[] randomProgram(Random rnd) {
    List<Insn> out = new ArrayList<>();
    for (int r = 3; r <= 9; r++) { // interesting register values: lddw rN, random
      long v = rnd.nextInt(4) == 0 ? rnd.nextInt(64) - 32 : rnd.nextLong();
      out.add(new Insn(LD_IMM64, r, 0, 0, (int) v));
      out.add(new Insn(0, 0, 0, 0, (int) (v >>> 32)));
    }
    int body = 10 + rnd.nextInt(60);
    int start = out.size();
    for (int i = 0; i < body; i++) {
      int kind = rnd.nextInt(10);
      if (kind < 6) {
        out.add(alu(rnd));
      } else if (kind < 8) {
        out.add(memory(rnd));
      } else {
        out.add(null); // a jump, resolved once the length is known
      }
    }
    out.add(new Insn(EXIT_OP, 0, 0, 0, 0));
    int exit = out.size() - 1;
    for (int pc = start; pc < exit; pc++) {
      if (out.get(pc) == null) {
        boolean backward = rnd.nextInt(5) == 0;
        int target =
            backward ? start + rnd.nextInt(pc - start + 1) : pc + 1 + rnd.nextInt(exit - pc);
        out.set(pc, jump(rnd, target - pc - 1));
      }
    }
    return out.toArray(new Insn[0]);
  }

  private static int reg(Random rnd) {
    return rnd.nextInt(10);
  }

  private static Insn alu(Random rnd) {
    int cls = rnd.nextBoolean() ? ALU64 : ALU;
    int special = rnd.nextInt(12);
    if (special == 0) {
      return new Insn(cls | NEG, reg(rnd), 0, 0, 0);
    }
    if (special == 1) {
      int width = new int[] {16, 32, 64}[rnd.nextInt(3)];
      int src = cls == ALU64 ? 0 : rnd.nextBoolean() ? TO_BE : TO_LE;
      return new Insn(cls | END | src, reg(rnd), 0, 0, width);
    }
    if (special == 2) { // movsx
      int bits = cls == ALU64 ? new int[] {8, 16, 32}[rnd.nextInt(3)] : rnd.nextBoolean() ? 8 : 16;
      return new Insn(cls | MOV | X, reg(rnd), reg(rnd), bits, 0);
    }
    int code = ALU_CODES[rnd.nextInt(ALU_CODES.length)];
    int off = (code == DIV || code == MOD) && rnd.nextBoolean() ? 1 : 0;
    boolean shift = code == LSH || code == RSH || code == ARSH;
    if (rnd.nextBoolean()) {
      return new Insn(cls | code | X, reg(rnd), reg(rnd), off, 0);
    }
    int imm;
    if (shift) {
      imm = rnd.nextInt(cls == ALU64 ? 64 : 32);
    } else {
      imm = rnd.nextInt(3) == 0 ? rnd.nextInt(5) - 2 : rnd.nextInt();
    }
    return new Insn(cls | code | K, reg(rnd), 0, off, imm);
  }

  private static Insn memory(Random rnd) {
    int size = SIZES[rnd.nextInt(4)];
    int bytes = sizeBytes(size);
    // mostly inside the 512-byte frame below r10, sometimes past either end (a trap)
    int off = rnd.nextInt(20) == 0 ? rnd.nextInt(16) - 8 : -bytes - rnd.nextInt(512 - bytes + 1);
    switch (rnd.nextInt(3)) {
      case 0:
        return new Insn(LDX | MEM | size, reg(rnd), 10, off, 0);
      case 1:
        return new Insn(ST | MEM | size, 10, 0, off, rnd.nextInt());
      default:
        return new Insn(STX | MEM | size, 10, reg(rnd), off, 0);
    }
  }

  private static Insn jump(Random rnd, int off) {
    int cls = rnd.nextBoolean() ? JMP : JMP32;
    if (rnd.nextInt(8) == 0) {
      return cls == JMP ? new Insn(JMP | JA, 0, 0, off, 0) : new Insn(JMP32 | JA, 0, 0, 0, off);
    }
    int code = JMP_CODES[rnd.nextInt(JMP_CODES.length)];
    if (rnd.nextBoolean()) {
      return new Insn(cls | code | X, reg(rnd), reg(rnd), off, 0);
    }
    int imm = rnd.nextInt(3) == 0 ? rnd.nextInt(5) - 2 : rnd.nextInt();
    return new Insn(cls | code | K, reg(rnd), 0, off, imm);
  }

  private static String listing(Insn[] insns) {
    StringBuilder sb = new StringBuilder();
    for (int pc = 0; pc < insns.length; pc++) {
      sb.append('\n').append(pc).append(": ").append(insns[pc]);
    }
    return sb.toString();
  }
}
