package io.xdpemu.ebpf.isa;

import static io.xdpemu.ebpf.isa.Opcodes.*;

import io.xdpemu.ebpf.MalformedInputException;

/**
 * Turns raw bytes or 64-bit words into validated {@link Insn} slots and refuses every encoding that
 * RFC 9669 does not define or that breaks its "unused fields shall be cleared to zero" rule, with a
 * message naming the instruction index:
 *
 * <pre>
 *   malformed instruction 3: unknown opcode 0x8e
 *   malformed instruction 0: non-zero src field (1) in add32 dst, imm
 * </pre>
 *
 * <p>The checks mirror what the kernel verifier does before it looks at types ({@code
 * check_subprogs()}, the reserved-field checks at the top of {@code do_check()}'s per-class cases,
 * {@code resolve_pseudo_ldimm64()}) and what uBPF's {@code validate()} does at load: registers
 * above r10, writes to r10, jumps out of the program or into the second slot of {@code ld_imm64},
 * an {@code ld_imm64} without its second slot. Semantic rules (shift amounts, division by a
 * constant zero, reading uninitialised registers) are the verifier's business, not the decoder's:
 * the conformance suite runs such programs on purpose.
 *
 * <p>Beyond RFC 9669 it accepts what bpf_conformance and the kernel use: {@code callx} (0x8d, the
 * target helper id in register dst) and {@code call} with src 2 (kfunc by BTF id). Legacy packet
 * loads (LD_ABS/LD_IND) are refused: they exist only for socket filters, never for XDP.
 */
public final class Decoder {
  private Decoder() {}

  /** Decodes little-endian instruction bytes (8 per slot) and validates them. */
  public static Insn[] decode(byte[] code) {
    if (code.length % 8 != 0) {
      throw new MalformedInputException(
          "malformed program: " + code.length + " bytes is not a multiple of 8 (instruction size)");
    }
    long[] words = new long[code.length / 8];
    for (int i = 0; i < words.length; i++) {
      long w = 0;
      for (int b = 7; b >= 0; b--) {
        w = (w << 8) | (code[i * 8 + b] & 0xffL);
      }
      words[i] = w;
    }
    return decode(words);
  }

  /** Decodes 64-bit words (opcode in the low byte, as {@link Insn#encode()}) and validates them. */
  public static Insn[] decode(long[] words) {
    Insn[] insns = new Insn[words.length];
    for (int i = 0; i < words.length; i++) {
      insns[i] = Insn.decode(words[i]);
    }
    return validate(insns);
  }

  /** Validates already-split slots; returns the same array. */
  public static Insn[] validate(Insn[] insns) {
    return check(insns, null);
  }

  /**
   * Validates as {@link #validate} except for the refusals the kernel makes only where do_check()
   * goes (reserved fields, register numbers, writes to r10, atomic operands of ALU, JMP, ST and STX
   * slots): those are returned by slot (null where none) instead of thrown, for the verifier to
   * raise when a path reaches the slot. Dead code holding them loads in the kernel. What the kernel
   * checks over the whole program before (resolve_pseudo_ldimm64: unknown opcodes, LDX modes and
   * imm, ld_imm64; check_subprogs: jump ranges) still throws.
   */
  public static EncodingException[] validateDeferring(Insn[] insns) {
    EncodingException[] deferred = new EncodingException[insns.length];
    check(insns, deferred);
    return deferred;
  }

  /** Whether the kernel refuses {@code insn} only when do_check() reaches it. */
  private static boolean refusedOnlyWhenReached(Insn[] insns, int pc, Insn insn) {
    int cls = insn.cls();
    if (cls == LD && isLdAbsInd(insn.opcode())) {
      // check_ld_abs() refuses them for XDP only when do_check() gets there: dead ones load
      return true;
    }
    if (cls == LD || cls == LDX) {
      // resolve_pseudo_ldimm64() checks these up front, all but the register numbers, which
      // check_reg_arg() refuses only when do_check() gets there ("R11 is invalid", and "frame
      // pointer is read only" for a load into r10).
      if (insn.dst() < 10 && insn.src() <= 10) {
        return false;
      }
      try {
        checkSlot(
            insns,
            pc,
            new Insn(
                insn.opcode(),
                insn.dst() >= 10 ? 0 : insn.dst(),
                insn.src() > 10 ? 0 : insn.src(),
                insn.off(),
                insn.imm()));
        return true;
      } catch (EncodingException e) {
        return false;
      }
    }
    // The opcode itself must be known (bpf_opcode_in_insntable() checks every slot up front):
    // the same opcode with every other field cleared must pass. A byte or half-word atomic is a
    // known opcode (store-release exists in every size); its operand size for a read-modify-write
    // is checked by check_atomic() when reached ("invalid atomic operand size").
    int op = insn.opcode();
    int imm = (cls == ALU || cls == ALU64) && (op & 0xf0) == END ? 16 : 0;
    if (cls == STX && (op & 0xe0) == ATOMIC) {
      imm = STORE_REL;
    }
    try {
      checkSlot(insns, pc, new Insn(op, 0, 0, 0, imm));
      return true;
    } catch (EncodingException e) {
      return false;
    }
  }

  private static Insn[] check(Insn[] insns, EncodingException[] deferred) {
    if (insns.length == 0) {
      throw new MalformedInputException("malformed program: no instructions");
    }
    boolean[] secondHalf = new boolean[insns.length];
    for (int pc = 0; pc < insns.length; pc++) {
      if (secondHalf[pc]) {
        continue;
      }
      Insn insn = insns[pc];
      try {
        checkSlot(insns, pc, insn);
      } catch (EncodingException e) {
        if (deferred == null || !refusedOnlyWhenReached(insns, pc, insn)) {
          throw e;
        }
        deferred[pc] = e;
      }
      if (insn.opcode() == LD_IMM64) {
        secondHalf[pc + 1] = true;
      }
    }
    for (int pc = 0; pc < insns.length; pc++) {
      if (secondHalf[pc]) {
        continue;
      }
      long target = jumpTarget(insns[pc], pc);
      if (target == NO_TARGET) {
        continue;
      }
      if (target < 0 || target >= insns.length) {
        throw bad(
            pc,
            "jump target " + target + " out of range [0, " + insns.length + ")",
            "jump out of range from insn " + pc + " to " + target);
      }
      if (secondHalf[(int) target]) {
        throw bad(
            pc,
            "jump target " + target + " is the second slot of ld_imm64",
            "jump to the middle of ldimm64 insn " + target);
      }
    }
    return insns;
  }

  private static final long NO_TARGET = Long.MIN_VALUE;

  /** The absolute slot a jump or local call at {@code pc} lands on, or NO_TARGET. */
  public static long jumpTarget(Insn insn, int pc) {
    int op = insn.opcode();
    int cls = op & 0x07;
    if (cls != JMP && cls != JMP32) {
      return NO_TARGET;
    }
    int code = op & 0xf0;
    if (op == (JMP32 | JA)) {
      return (long) pc + insn.imm() + 1;
    }
    if (op == CALL_OP) {
      return insn.src() == PSEUDO_CALL ? (long) pc + insn.imm() + 1 : NO_TARGET;
    }
    if (code == EXIT || code == CALL) {
      return NO_TARGET;
    }
    return (long) pc + insn.off() + 1;
  }

  private static void checkSlot(Insn[] insns, int pc, Insn insn) {
    int op = insn.opcode();
    if (insn.dst() > 10) {
      throw bad(pc, "invalid dst register r" + insn.dst(), "R" + insn.dst() + " is invalid");
    }
    if (insn.src() > 10 && op != LD_IMM64 && op != CALL_OP) {
      throw bad(pc, "invalid src register r" + insn.src(), "R" + insn.src() + " is invalid");
    }
    switch (op & 0x07) {
      case ALU:
      case ALU64:
        checkAlu(pc, insn);
        return;
      case JMP:
      case JMP32:
        checkJump(pc, insn);
        return;
      case LD:
        checkLd(insns, pc, insn);
        return;
      case LDX:
        if ((op & 0xe0) != MEM && (op & 0xe0) != MEMSX) {
          throw bad(pc, String.format("unknown opcode 0x%02x", op), "BPF_LDX uses reserved fields");
        }
        if (op == (LDX | MEMSX | DW)) {
          throw unknown(pc, op);
        }
        zero(pc, insn, "imm", insn.imm());
        writesDst(pc, insn);
        return;
      case ST:
        if ((op & 0xe0) != MEM) {
          throw unknown(pc, op);
        }
        zero(pc, insn, "src", insn.src());
        return;
      default: // STX
        checkStx(pc, insn);
    }
  }

  private static void checkAlu(int pc, Insn insn) {
    int op = insn.opcode();
    int code = op & 0xf0;
    boolean x = (op & X) != 0;
    boolean alu64 = (op & 0x07) == ALU64;
    if (code > END) {
      throw unknown(pc, op);
    }
    writesDst(pc, insn);
    if (code == NEG) {
      if (x) {
        throw unknown(pc, op);
      }
      zero(pc, insn, "src", insn.src());
      zero(pc, insn, "offset", insn.off());
      zero(pc, insn, "imm", insn.imm());
      return;
    }
    if (code == END) {
      if (alu64 && x) {
        throw unknown(pc, op);
      }
      zero(pc, insn, "src", insn.src());
      zero(pc, insn, "offset", insn.off());
      if (insn.imm() != 16 && insn.imm() != 32 && insn.imm() != 64) {
        throw bad(
            pc,
            "invalid byte swap width " + insn.imm() + " (expected 16, 32 or 64)",
            "BPF_END uses reserved fields");
      }
      return;
    }
    if (x) {
      zero(pc, insn, "imm", insn.imm());
    } else {
      zero(pc, insn, "src", insn.src());
    }
    int off = insn.off();
    boolean offOk =
        off == 0
            || ((code == DIV || code == MOD) && off == 1)
            || (code == MOV && x && (off == 8 || off == 16 || (alu64 && off == 32)));
    if (!offOk) {
      throw bad(
          pc, "non-zero offset field (" + off + ") in " + Mnemonics.name(insn), reserved(insn));
    }
  }

  private static void checkJump(int pc, Insn insn) {
    int op = insn.opcode();
    int code = op & 0xf0;
    boolean x = (op & X) != 0;
    boolean jmp32 = (op & 0x07) == JMP32;
    switch (code) {
      case JA:
        if (x) {
          throw unknown(pc, op);
        }
        zero(pc, insn, "dst", insn.dst());
        zero(pc, insn, "src", insn.src());
        if (jmp32) {
          zero(pc, insn, "offset", insn.off());
        } else {
          zero(pc, insn, "imm", insn.imm());
        }
        return;
      case CALL:
        if (jmp32) {
          throw unknown(pc, op);
        }
        if (insn.src() != PSEUDO_KFUNC_CALL) { // a kfunc's offset indexes the module BTF fd
          zero(pc, insn, "offset", insn.off());
        }
        if (x) { // callx: helper id in register dst (bpf_conformance "callx" group)
          zero(pc, insn, "src", insn.src());
          zero(pc, insn, "imm", insn.imm());
          return;
        }
        zero(pc, insn, "dst", insn.dst());
        if (insn.src() > PSEUDO_KFUNC_CALL) {
          throw bad(
              pc,
              "invalid call src " + insn.src() + " (0 helper, 1 local, 2 kfunc)",
              reserved(insn));
        }
        return;
      case EXIT:
        if (jmp32 || x) {
          throw unknown(pc, op);
        }
        // The kernel's do_check() never looks at an exit's offset: it loads and runs such programs.
        zero(pc, insn, "dst", insn.dst());
        zero(pc, insn, "src", insn.src());
        zero(pc, insn, "imm", insn.imm());
        return;
      case JCOND:
      case 0xf0:
        throw unknown(pc, op);
      default:
        if (x) {
          zero(pc, insn, "imm", insn.imm());
        } else {
          zero(pc, insn, "src", insn.src());
        }
    }
  }

  /** The legacy packet loads (LD_ABS/LD_IND of a byte, half-word or word). */
  private static boolean isLdAbsInd(int op) {
    return op == (LD | ABS | W)
        || op == (LD | ABS | H)
        || op == (LD | ABS | B)
        || op == (LD | IND | W)
        || op == (LD | IND | H)
        || op == (LD | IND | B);
  }

  private static void checkLd(Insn[] insns, int pc, Insn insn) {
    int op = insn.opcode();
    if (isLdAbsInd(op)) {
      throw bad(
          pc,
          String.format("legacy packet access (opcode 0x%02x) is not supported", op),
          "BPF_LD_[ABS|IND] instructions not allowed for this program type");
    }
    if (op != LD_IMM64) {
      throw unknown(pc, op);
    }
    writesDst(pc, insn);
    zero(pc, insn, "offset", insn.off());
    if (insn.src() > PSEUDO_MAP_IDX_VALUE) {
      throw bad(
          pc,
          "invalid ld_imm64 src " + insn.src() + " (expected 0..6)",
          "unrecognized bpf_ld_imm64 insn");
    }
    if (pc + 1 >= insns.length) {
      throw bad(pc, "incomplete ld_imm64: missing second slot", "invalid bpf_ld_imm64 insn");
    }
    Insn next = insns[pc + 1];
    if (next.opcode() != 0 || next.dst() != 0 || next.src() != 0 || next.off() != 0) {
      throw bad(
          pc + 1,
          "second slot of ld_imm64 must have opcode, registers and offset 0",
          "invalid bpf_ld_imm64 insn");
    }
    if ((insn.src() == PSEUDO_MAP_FD || insn.src() == PSEUDO_MAP_IDX) && next.imm() != 0) {
      // resolve_pseudo_ldimm64(): a map by fd or index has no offset into it
      throw bad(
          pc + 1,
          "ld_imm64 of a map (src " + insn.src() + ") with a non-zero second immediate",
          "unrecognized bpf_ld_imm64 insn");
    }
  }

  private static void checkStx(int pc, Insn insn) {
    int op = insn.opcode();
    int mode = op & 0xe0;
    if (mode == MEM) {
      zero(pc, insn, "imm", insn.imm());
      return;
    }
    if (mode != ATOMIC) {
      throw unknown(pc, op);
    }
    // Load-acquire / store-release (Linux 6.15, "bpf: Introduce load-acquire and store-release
    // instructions") exist in every size; read-modify-write atomics only in W and DW.
    if (insn.imm() == LOAD_ACQ) {
      if (insn.dst() == 10) {
        throw bad(pc, "write to frame pointer r10 (read-only)", "frame pointer is read only");
      }
      return;
    }
    if (insn.imm() == STORE_REL) {
      return;
    }
    if ((op & 0x18) == B || (op & 0x18) == H) {
      throw bad(
          pc,
          String.format(
              "invalid atomic operation 0x%x for size %s",
              insn.imm(), (op & 0x18) == B ? "u8" : "u16"),
          "invalid atomic operand size");
    }
    switch (insn.imm()) {
      case ADD:
      case OR:
      case AND:
      case XOR:
        return;
      case ADD | FETCH:
      case OR | FETCH:
      case AND | FETCH:
      case XOR | FETCH:
      case XCHG:
        if (insn.src() == 10) { // the old value is written to src (kernel check_atomic_rmw)
          throw bad(pc, "write to frame pointer r10 (read-only)", "frame pointer is read only");
        }
        return;
      case CMPXCHG:
        return;
      default:
        throw bad(
            pc,
            String.format("invalid atomic operation 0x%x", insn.imm()),
            String.format("BPF_ATOMIC uses invalid atomic opcode %02x", insn.imm()));
    }
  }

  private static void writesDst(int pc, Insn insn) {
    if (insn.dst() == 10) {
      throw bad(pc, "write to frame pointer r10 (read-only)", "frame pointer is read only");
    }
  }

  private static void zero(int pc, Insn insn, String field, int value) {
    if (value != 0) {
      throw bad(
          pc,
          "non-zero " + field + " field (" + value + ") in " + Mnemonics.name(insn),
          reserved(insn));
    }
  }

  private static EncodingException unknown(int pc, int op) {
    return bad(
        pc, String.format("unknown opcode 0x%02x", op), String.format("unknown opcode %02x", op));
  }

  static EncodingException bad(int pc, String what, String kernelMessage) {
    return new EncodingException(pc, what, kernelMessage);
  }

  /** The kernel's "uses reserved fields" message for the class of {@code insn}. */
  static String reserved(Insn insn) {
    int op = insn.opcode();
    int code = op & 0xf0;
    switch (op & 0x07) {
      case ALU:
      case ALU64:
        return code == MOV
            ? "BPF_MOV uses reserved fields"
            : code == NEG
                ? "BPF_NEG uses reserved fields"
                : code == END ? "BPF_END uses reserved fields" : "BPF_ALU uses reserved fields";
      case LDX:
        return "BPF_LDX uses reserved fields";
      case ST:
        return "BPF_ST uses reserved fields";
      case STX:
        return "BPF_STX uses reserved fields";
      case LD:
        return "BPF_LD_IMM64 uses reserved fields";
      default:
        return code == JA
            ? "BPF_JA uses reserved fields"
            : code == CALL
                ? "BPF_CALL uses reserved fields"
                : code == EXIT
                    ? "BPF_EXIT uses reserved fields"
                    : "BPF_JMP/JMP32 uses reserved fields";
    }
  }
}
