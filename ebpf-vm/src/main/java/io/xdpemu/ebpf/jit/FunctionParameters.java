package io.xdpemu.ebpf.jit;

import static io.xdpemu.ebpf.isa.Opcodes.*;
import static io.xdpemu.ebpf.jit.Frame.reg;

import io.xdpemu.ebpf.isa.Insn;
import java.util.BitSet;
import java.util.function.IntUnaryOperator;

/**
 * The registers a function method receives. Unverified (metered) code receives r0..r9, as the
 * interpreter's register file carries them across a call. Verified code receives only the arguments
 * (r1..r5) its body reads before writing them: the verifier leaves r0 and r6..r9 uninitialized at a
 * function's entry and refuses a read of one, so passing them would be dead work (a BPF-to-BPF call
 * then costs what a JVM call with those arguments costs). The method's other registers start at 0
 * (the JVM wants every local written before it is read; nothing reads them).
 *
 * <p>Descriptor: {@code (p, ctx, depth, out, r<k>...)J}; {@code out} stays because an unverified
 * caller may reach a verified program through a tail call and reads r1..r5 back from it.
 */
final class FunctionParameters {
  /** Bit r set: register r is a parameter. */
  private final int mask;

  private FunctionParameters(int mask) {
    this.mask = mask;
  }

  /** r0..r9: metered code, and the {@link JitCode} entry points. */
  static final FunctionParameters ALL = new FunctionParameters(0x3ff);

  /** The arguments among r1..r5 that the function's reachable body may read before writing. */
  static FunctionParameters readBy(Insn[] insns, BitSet body, int entry) {
    return new FunctionParameters(liveIn(insns, body, entry) & 0x3e);
  }

  boolean has(int r) {
    return (mask & 1 << r) != 0;
  }

  String descriptor() {
    if (this == ALL) {
      return Frame.FUNCTION_D;
    }
    return "(L"
        + Frame.PROGRAM
        + ";"
        + Frame.CTX_D
        + "I[J"
        + "J".repeat(Integer.bitCount(mask))
        + ")J";
  }

  /** Pushes the parameters, register r read from local {@code slotOf(r)}. */
  void push(CodeBuilder c, IntUnaryOperator slotOf) {
    for (int r = 0; r <= 9; r++) {
      if (has(r)) {
        c.lload(slotOf.applyAsInt(r));
      }
    }
  }

  /**
   * Moves the parameters from their packed slots (4, 6, ...) to their registers' locals ({@link
   * Frame#reg}), last first so that none is overwritten before it moved, then zeroes the others.
   */
  void prologue(CodeBuilder c) {
    if (this == ALL) {
      return; // already in place
    }
    int i = Integer.bitCount(mask);
    for (int r = 9; r >= 0; r--) {
      if (has(r)) {
        i--;
        if (4 + 2 * i != reg(r)) {
          c.lload(4 + 2 * i);
          c.lstore(reg(r));
        }
      }
    }
    for (int r = 0; r <= 9; r++) {
      if (!has(r)) {
        c.lconst(0);
        c.lstore(reg(r));
      }
    }
  }

  /**
   * Registers r0..r10 read before written on some path from {@code entry} through {@code body}
   * (backward liveness, iterated to a fixed point). Calls read r1..r5 and write r0..r5 (the
   * verifier makes r1..r5 unreadable after any call); exit reads r0.
   */
  private static int liveIn(Insn[] insns, BitSet body, int entry) {
    int n = insns.length;
    int[] in = new int[n];
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int pc = body.previousSetBit(n - 1); pc >= 0; pc = body.previousSetBit(pc - 1)) {
        int v = transfer(insns, pc, out(insns, body, in, pc));
        if (v != in[pc]) {
          in[pc] = v;
          changed = true;
        }
      }
    }
    return in[entry];
  }

  private static int out(Insn[] insns, BitSet body, int[] in, int pc) {
    Insn insn = insns[pc];
    int op = insn.opcode();
    int next = op == LD_IMM64 ? pc + 2 : pc + 1;
    int cls = insn.cls();
    int live = 0;
    boolean jmp = (cls == JMP || cls == JMP32) && op != CALL_OP && op != (JMP | CALL | X);
    if (op == EXIT_OP) {
      return 0;
    }
    if (jmp) {
      long t = io.xdpemu.ebpf.isa.Decoder.jumpTarget(insn, pc);
      if (t >= 0 && t < insns.length && body.get((int) t)) {
        live |= in[(int) t];
      }
      if ((op & 0xf0) == JA) {
        return live;
      }
    }
    if (next < insns.length && body.get(next)) {
      live |= in[next];
    }
    return live;
  }

  /** in = use | (out & ~def) for the instruction at pc. */
  private static int transfer(Insn[] insns, int pc, int out) {
    Insn insn = insns[pc];
    int op = insn.opcode();
    int d = 1 << insn.dst();
    int s = 1 << insn.src();
    boolean x = (op & X) != 0;
    switch (insn.cls()) {
      case ALU:
      case ALU64:
        {
          int use = ((op & 0xf0) == MOV ? 0 : d) | (x ? s : 0);
          return use | (out & ~d);
        }
      case LDX:
        return s | (out & ~d);
      case ST:
        return d | out;
      case STX:
        return d | s | 1 | out; // an atomic may read r0 (cmpxchg); nothing counted as written
      case LD:
        return op == LD_IMM64 ? out & ~d : out;
      default: // JMP, JMP32
        if (op == EXIT_OP) {
          return 1;
        }
        if (op == CALL_OP || op == (JMP | CALL | X)) {
          return 0x3e | (op == CALL_OP ? 0 : d) | (out & ~0x3f);
        }
        return d | (x ? s : 0) | out;
    }
  }
}
