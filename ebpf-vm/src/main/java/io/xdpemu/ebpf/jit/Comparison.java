package io.xdpemu.ebpf.jit;

import static io.xdpemu.ebpf.isa.Opcodes.*;
import static io.xdpemu.ebpf.jit.CodeBuilder.*;

import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.jit.CodeBuilder.Label;

/**
 * A conditional jump as a JVM compare-and-branch. Unsigned comparisons are written the way {@code
 * Long.compareUnsigned} / {@code Integer.compareUnsigned} (which the interpreter calls) are
 * defined: both operands biased by MIN_VALUE, then a signed compare; the bias of a constant operand
 * is folded at compile time.
 */
final class Comparison {
  private final CodeBuilder c;
  private final Insn insn;
  private final boolean x;
  private final StraightLineEmitter registers;

  /** {@code registers} pushes the operands (a register or the constant proven for it there). */
  Comparison(CodeBuilder c, Insn insn, StraightLineEmitter registers) {
    this.c = c;
    this.insn = insn;
    this.x = (insn.opcode() & X) != 0;
    this.registers = registers;
  }

  /**
   * Whether the jump {@code insn} is taken when its dst holds {@code a} and its operand (src or
   * imm, sign-extended) holds {@code b}: for a jump whose operands the verifier proved constant,
   * decided at compile time. The interpreter's comparisons, case for case.
   */
  static boolean taken(Insn insn, long a, long b) {
    boolean is64 = insn.cls() == JMP;
    int code = insn.opcode() & 0xf0;
    if (!is64) {
      a = (int) a;
      b = (int) b;
    }
    int u = is64 ? Long.compareUnsigned(a, b) : Integer.compareUnsigned((int) a, (int) b);
    switch (code) {
      case JEQ:
        return a == b;
      case JNE:
        return a != b;
      case JSET:
        return (a & b) != 0;
      case JGT:
        return u > 0;
      case JGE:
        return u >= 0;
      case JLT:
        return u < 0;
      case JLE:
        return u <= 0;
      case JSGT:
        return a > b;
      case JSGE:
        return a >= b;
      case JSLT:
        return a < b;
      case JSLE:
        return a <= b;
      default:
        throw StraightLineEmitter.unsupported(insn);
    }
  }

  void branch(Label taken) {
    int code = insn.opcode() & 0xf0;
    boolean is64 = insn.cls() == JMP;
    boolean unsigned = code == JGT || code == JGE || code == JLT || code == JLE;
    if (code == JSET) {
      if (is64) {
        registers.pushRegister(insn.dst());
        operand64(0);
        c.op(LAND);
        c.lconst(0);
        c.op(LCMP);
      } else {
        registers.pushRegister(insn.dst());
        c.op(L2I);
        operand32(0);
        c.op(IAND);
      }
      c.jump(IFNE, taken);
      return;
    }
    int cond = condition(code);
    if (is64) {
      long bias = unsigned ? Long.MIN_VALUE : 0;
      registers.pushRegister(insn.dst());
      if (bias != 0) {
        c.lconst(bias);
        c.op(LADD);
      }
      operand64(bias);
      c.op(LCMP);
      c.jump(cond, taken);
    } else {
      int bias = unsigned ? Integer.MIN_VALUE : 0;
      registers.pushRegister(insn.dst());
      c.op(L2I);
      if (bias != 0) {
        c.iconst(bias);
        c.op(IADD);
      }
      operand32(bias);
      c.jump(cond + (IF_ICMPEQ - IFEQ), taken); // if<cond> -> if_icmp<cond>
    }
  }

  /** The {@code if<cond>} opcode testing the result of a compare (lcmp, or a - b for ints). */
  private int condition(int code) {
    switch (code) {
      case JEQ:
        return IFEQ;
      case JNE:
        return IFNE;
      case JGT:
      case JSGT:
        return IFGT;
      case JGE:
      case JSGE:
        return IFGE;
      case JLT:
      case JSLT:
        return IFLT;
      case JLE:
      case JSLE:
        return IFLE;
      default:
        throw StraightLineEmitter.unsupported(insn);
    }
  }

  private void operand64(long bias) {
    if (x) {
      registers.pushRegister(insn.src());
      if (bias != 0) {
        c.lconst(bias);
        c.op(LADD);
      }
    } else {
      c.lconst((long) insn.imm() + bias);
    }
  }

  private void operand32(int bias) {
    if (x) {
      registers.pushRegister(insn.src());
      c.op(L2I);
      if (bias != 0) {
        c.iconst(bias);
        c.op(IADD);
      }
    } else {
      c.iconst(insn.imm() + bias);
    }
  }
}
