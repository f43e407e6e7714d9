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

  /** Bit r set: register r is read before written on some path, but not a parameter: zeroed. */
  private final int zeroed;

  private FunctionParameters(int mask, int zeroed) {
    this.mask = mask;
    this.zeroed = zeroed;
  }

  /** r0..r9: metered code, and the {@link JitCode} entry points. */
  static final FunctionParameters ALL = new FunctionParameters(0x3ff, 0);

  /**
   * What the generated code of one function reads, instruction by instruction, for {@link #readBy}:
   * the registers a call at pc pushes (a BPF-to-BPF call: its callee's parameters; a helper:
   * r1..r5, and r0..r9 when a tail call may continue from it), and whether exit hands r1..r5 back
   * through {@code out}.
   */
  interface Reads {
    int call(int pc);

    boolean exitWritesOut();
  }

  /**
   * The arguments among r1..r5 that the function's reachable body reads before writing them; the
   * other registers read before written (none in code the verifier accepted, short of an
   * over-approximated call) start at 0.
   */
  static FunctionParameters readBy(Insn[] insns, BitSet body, int entry, Reads reads) {
    int live = liveIn(insns, body, entry, reads) & 0x3ff; // r10 is set by the prologue
    return new FunctionParameters(live & 0x3e, live & ~0x3e);
  }

  /** Bit r set: register r is a parameter. */
  int mask() {
    return mask;
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
   * Frame#reg}), last first so that none is overwritten before it moved, then zeroes the registers
   * read before written that are no parameters (the JVM wants every local written before it is
   * read). Nothing else: a small method stays small enough for C2 to inline it at its call sites.
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
      if ((zeroed & 1 << r) != 0) {
        c.lconst(0);
        c.lstore(reg(r));
      }
    }
  }

  /**
   * Registers r0..r10 read before written on some path from {@code entry} through {@code body}
   * (backward liveness, iterated to a fixed point) as the generated code reads and writes the
   * locals, since the JVM wants each written before it is read: calls read what {@code reads} says
   * and write r0 only (verified code never reads r1..r5 after one, so they are not reloaded); exit
   * reads r0, and r1..r5 when it writes {@code out}.
   */
  private static int liveIn(Insn[] insns, BitSet body, int entry, Reads reads) {
    int n = insns.length;
    int[] in = new int[n];
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int pc = body.previousSetBit(n - 1); pc >= 0; pc = body.previousSetBit(pc - 1)) {
        int v = transfer(insns, pc, out(insns, body, in, pc), reads);
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
  private static int transfer(Insn[] insns, int pc, int out, Reads reads) {
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
          return reads.exitWritesOut() ? 0x3f : 1;
        }
        if (op == CALL_OP || op == (JMP | CALL | X)) {
          return reads.call(pc) | (op == CALL_OP ? 0 : d) | (out & ~1); // the code stores r0 only
        }
        return d | (x ? s : 0) | out;
    }
  }
}
