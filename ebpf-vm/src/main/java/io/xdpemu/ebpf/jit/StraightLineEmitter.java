package io.xdpemu.ebpf.jit;

import static io.xdpemu.ebpf.isa.Opcodes.*;
import static io.xdpemu.ebpf.jit.CodeBuilder.*;
import static io.xdpemu.ebpf.jit.Frame.reg;

import io.xdpemu.ebpf.facts.MemoryFact;
import io.xdpemu.ebpf.facts.ProgramFacts;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.vm.AluSemantics;
import java.util.OptionalLong;

/**
 * Bytecode for the instructions that do not change control flow: ALU, loads, stores, atomics. The
 * one-liners are inline JVM arithmetic, written exactly as the interpreter's cases are written in
 * Java ({@code r[d] += k}; {@code ((int) r[d] + (int) k) & M32}); everything subtle (division and
 * modulo by zero, 32-bit shifts, byte swaps, sign extension) and every memory access is a static
 * call into {@code vm.AluSemantics} / {@code vm.MemoryAccess}, the same methods the interpreter
 * calls, so the engines cannot drift apart.
 */
final class StraightLineEmitter {
  private static final long M32 = 0xffffffffL;
  private static final String JJ_J = "(JJ)J", JI_J = "(JI)J";

  private final CodeBuilder c;
  private final ProgramFacts facts;

  /** The instruction being emitted (the constants the verifier proved are per instruction). */
  private int pc;

  StraightLineEmitter(CodeBuilder c, ProgramFacts facts) {
    this.c = c;
    this.facts = facts;
  }

  /** Sets the instruction whose register reads follow. */
  void at(int pc) {
    this.pc = pc;
  }

  /**
   * Pushes register {@code r} as the current instruction reads it: the constant the verifier proved
   * it holds there ({@link ProgramFacts#constant}), else the register's local.
   */
  void pushRegister(int r) {
    OptionalLong k = facts.constant(pc, r);
    if (k.isPresent()) {
      c.lconst(k.getAsLong());
    } else {
      c.lload(reg(r));
    }
  }

  /** ALU or ALU64 instruction. */
  void alu(Insn insn) {
    if (insn.cls() == ALU64) {
      alu64(insn);
    } else {
      alu32(insn);
    }
  }

  private void alu64(Insn insn) {
    int op = insn.opcode();
    int code = op & 0xf0;
    boolean x = (op & X) != 0;
    int d = reg(insn.dst());
    boolean signed = insn.off() == 1;
    switch (code) {
      case ADD:
      case SUB:
      case MUL:
      case OR:
      case AND:
      case XOR:
        pushRegister(insn.dst());
        operand64(insn, x);
        c.op(longOp(code));
        break;
      case MOV:
        if (x && insn.off() != 0) {
          pushRegister(insn.src());
          c.iconst(insn.off());
          c.invokestatic(ALU_CLASS, "movsx64", JI_J);
        } else {
          operand64(insn, x);
        }
        break;
      case LSH:
      case RSH:
      case ARSH:
        // r[d] <<= k: a long shift uses the count's low 6 bits, as lshl does with an int count
        pushRegister(insn.dst());
        if (x) {
          pushRegister(insn.src());
          c.op(L2I);
        } else {
          c.iconst(insn.imm());
        }
        c.op(code == LSH ? LSHL : code == RSH ? LUSHR : LSHR);
        break;
      case NEG:
        pushRegister(insn.dst());
        c.op(LNEG);
        break;
      case DIV:
      case MOD:
        pushRegister(insn.dst());
        operand64(insn, x);
        c.invokestatic(ALU_CLASS, (signed ? "s" : "u") + (code == DIV ? "div64" : "mod64"), JJ_J);
        break;
      case END: // ALU64 bswap16/32/64
        pushRegister(insn.dst());
        c.iconst(insn.imm());
        c.invokestatic(ALU_CLASS, "bswap", JI_J);
        break;
      default:
        throw unsupported(insn);
    }
    c.lstore(d);
  }

  private void alu32(Insn insn) {
    int op = insn.opcode();
    int code = op & 0xf0;
    boolean x = (op & X) != 0;
    int d = reg(insn.dst());
    boolean signed = insn.off() == 1;
    switch (code) {
      case ADD:
      case SUB:
      case MUL:
      case OR:
      case AND:
      case XOR:
        pushRegister(insn.dst());
        c.op(L2I);
        operand32(insn, x);
        c.op(intOp(code));
        zeroExtend();
        break;
      case MOV:
        if (x && insn.off() != 0) {
          pushRegister(insn.src());
          c.iconst(insn.off());
          c.invokestatic(ALU_CLASS, "movsx32", JI_J);
        } else if (x) {
          pushRegister(insn.src());
          c.lconst(M32);
          c.op(LAND);
        } else {
          c.lconst(insn.imm() & M32);
        }
        break;
      case LSH:
      case RSH:
      case ARSH:
        pushRegister(insn.dst());
        operand64(insn, x);
        c.invokestatic(ALU_CLASS, code == LSH ? "lsh32" : code == RSH ? "rsh32" : "arsh32", JJ_J);
        break;
      case NEG:
        pushRegister(insn.dst());
        c.op(L2I);
        c.op(INEG);
        zeroExtend();
        break;
      case DIV:
      case MOD:
        pushRegister(insn.dst());
        operand64(insn, x);
        c.invokestatic(ALU_CLASS, (signed ? "s" : "u") + (code == DIV ? "div32" : "mod32"), JJ_J);
        break;
      case END:
        pushRegister(insn.dst());
        c.iconst(insn.imm());
        c.invokestatic(ALU_CLASS, x ? "bswap" : "toLe", JI_J); // TO_BE : TO_LE
        break;
      default:
        throw unsupported(insn);
    }
    c.lstore(d);
  }

  private static final String ALU_CLASS = Frame.ALU;

  /** Pushes r[src] or the sign-extended imm as a long. */
  private void operand64(Insn insn, boolean x) {
    if (x) {
      pushRegister(insn.src());
    } else {
      c.lconst(insn.imm());
    }
  }

  /** Pushes (int) r[src] or imm as an int. */
  private void operand32(Insn insn, boolean x) {
    if (x) {
      pushRegister(insn.src());
      c.op(L2I);
    } else {
      c.iconst(insn.imm());
    }
  }

  private void zeroExtend() {
    c.op(I2L);
    c.lconst(M32);
    c.op(LAND);
  }

  private static int longOp(int code) {
    switch (code) {
      case ADD:
        return LADD;
      case SUB:
        return LSUB;
      case MUL:
        return LMUL;
      case OR:
        return LOR;
      case AND:
        return LAND;
      default:
        return LXOR;
    }
  }

  private static int intOp(int code) {
    switch (code) {
      case ADD:
        return IADD;
      case SUB:
        return ISUB;
      case MUL:
        return IMUL;
      case OR:
        return IOR;
      case AND:
        return IAND;
      default:
        return IXOR;
    }
  }

  /** Pushes ctx and {@code base + off} (the interpreter's {@code r[s] + (short) (w >>> 16)}). */
  private void address(int baseReg, int off) {
    c.aload(Frame.CTX);
    c.lload(reg(baseReg));
    if (off != 0) {
      c.lconst(off);
      c.op(LADD);
    }
  }

  private static final String LOAD_D = "(" + Frame.CTX_D + "JI)J";
  private static final String LOAD_SIGNED_D = "(" + Frame.CTX_D + "JII)J";
  private static final String STORE_D = "(" + Frame.CTX_D + "JJI)V";

  /** LDX (MEM and MEMSX); {@code fact}: what the verifier proved about it, or null. */
  void load(Insn insn, int pc, MemoryFact fact) {
    int size = sizeBytes(insn.opcode());
    boolean plain = (insn.opcode() & 0xe0) == MEM;
    if (plain && fact != null && provenLoad(insn, pc, fact, size)) {
      c.lstore(reg(insn.dst()));
      return;
    }
    address(insn.src(), insn.off());
    if ((insn.opcode() & 0xe0) == MEMSX) {
      c.iconst(size);
      c.iconst(pc);
      c.invokestatic(Frame.MEMORY, "loadSigned", LOAD_SIGNED_D);
    } else if (plain) {
      c.iconst(pc);
      c.invokestatic(Frame.MEMORY, "load" + size * 8, LOAD_D);
    } else {
      throw unsupported(insn);
    }
    c.lstore(reg(insn.dst()));
  }

  /** Pushes the loaded value of a proven load; false (nothing emitted) when no rule applies. */
  private boolean provenLoad(Insn insn, int pc, MemoryFact fact, int size) {
    if (fact.kind() == MemoryFact.Kind.CONTEXT) {
      String reader = ProvenAccess.contextReader(fact.contextField());
      if (reader == null || size != 4) {
        return false;
      }
      c.aload(Frame.CTX);
      c.invokestatic(Frame.PROVEN, reader, "(" + Frame.CTX_D + ")J");
      return true;
    }
    provenBytes(insn.src(), pc, fact);
    c.lload(reg(insn.src()));
    offset(insn.off());
    c.iconst(pc);
    c.invokestatic(Frame.PROVEN, "load" + size * 8, "([BJI)J");
    return true;
  }

  /** Pushes the byte array a proven pointer in {@code baseReg} points into. */
  private void provenBytes(int baseReg, int pc, MemoryFact fact) {
    c.aload(Frame.CTX);
    switch (fact.kind()) {
      case PACKET:
        c.invokestatic(Frame.PROVEN, "packet", "(" + Frame.CTX_D + ")[B");
        break;
      case STACK:
        c.invokestatic(Frame.PROVEN, "stack", "(" + Frame.CTX_D + ")[B");
        break;
      default: // MAP_VALUE: the region is the pointer's, only its bounds are proven
        c.lload(reg(baseReg));
        c.iconst(pc);
        c.invokestatic(Frame.PROVEN, "mapValue", "(" + Frame.CTX_D + "JI)[B");
    }
  }

  private void offset(int off) {
    if (off != 0) {
      c.lconst(off);
      c.op(LADD);
    }
  }

  /** ST and STX with mode MEM; {@code fact}: what the verifier proved about it, or null. */
  void store(Insn insn, int pc, MemoryFact fact) {
    int size = sizeBytes(insn.opcode());
    boolean proven = fact != null && fact.kind() != MemoryFact.Kind.CONTEXT;
    if (proven) {
      provenBytes(insn.dst(), pc, fact);
      c.lload(reg(insn.dst()));
      offset(insn.off());
    } else {
      address(insn.dst(), insn.off());
    }
    if (insn.cls() == ST) {
      c.lconst(insn.imm());
    } else {
      pushRegister(insn.src());
    }
    c.iconst(pc);
    if (proven) {
      c.invokestatic(Frame.PROVEN, "store" + size * 8, "([BJJI)V");
    } else {
      c.invokestatic(Frame.MEMORY, "store" + size * 8, STORE_D);
    }
  }

  /**
   * STX|ATOMIC: the interpreter's {@code atomic()} with the operation decided at compile time;
   * straight to the stack's or map value's bytes where {@code fact} proves the access.
   */
  void atomic(Insn insn, int pc, MemoryFact fact) {
    int size = sizeBytes(insn.opcode());
    int op = insn.imm();
    if (op == LOAD_ACQ) {
      address(insn.src(), insn.off());
      c.iconst(size);
      c.iconst(pc);
      c.invokestatic(Frame.MEMORY, "loadAcquire", LOAD_SIGNED_D);
      c.lstore(reg(insn.dst()));
      return;
    }
    String method = AluSemantics.atomicMethod(op, size == 8);
    boolean proven =
        method != null
            && fact != null
            && (fact.kind() == MemoryFact.Kind.STACK || fact.kind() == MemoryFact.Kind.MAP_VALUE);
    if (proven) {
      provenBytes(insn.dst(), pc, fact);
      c.lload(reg(insn.dst()));
      offset(insn.off());
      c.lload(reg(insn.src()));
      c.lload(reg(0));
      c.iconst(pc);
      c.invokestatic(Frame.PROVEN_ATOMICS, method, ProvenAtomics.DESCRIPTOR);
      atomicResult(insn, op);
      return;
    }
    address(insn.dst(), insn.off());
    if (op == STORE_REL) {
      c.iconst(size);
      c.lload(reg(insn.src()));
      c.iconst(pc);
      c.invokestatic(Frame.MEMORY, "storeRelease", "(" + Frame.CTX_D + "JIJI)V");
      return;
    }
    c.iconst(size);
    c.iconst(op);
    c.lload(reg(insn.src()));
    c.lload(reg(0));
    c.iconst(pc);
    c.invokestatic(Frame.MEMORY, "atomic", "(" + Frame.CTX_D + "JIIJJI)J");
    atomicResult(insn, op);
  }

  /** r0 = old (cmpxchg), src = old (fetch), or nothing. */
  private void atomicResult(Insn insn, int op) {
    if (op == CMPXCHG) {
      c.lstore(reg(0));
    } else if ((op & FETCH) != 0) {
      c.lstore(reg(insn.src()));
    } else {
      c.op(POP2);
    }
  }

  static JitLimitException unsupported(Insn insn) {
    return new JitLimitException("no JIT rule for " + insn);
  }
}
