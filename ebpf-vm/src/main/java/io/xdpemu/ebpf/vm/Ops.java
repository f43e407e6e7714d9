package io.xdpemu.ebpf.vm;

import static io.xdpemu.ebpf.isa.Opcodes.*;

import io.xdpemu.ebpf.isa.Insn;

/**
 * The interpreter's internal operation numbers: one per distinct behaviour (so no case tests a
 * field again), laid out in groups of eight so that dispatch is a tree of small switches.
 *
 * <p>Why a tree: a single {@code switch} over ~150 cases compiles to one indirect jump through a
 * table, and on the machines this project measures on, the indirect-branch predictor misses on
 * almost every instruction of a program that is not a trivial repetition (measured: 7.5 ns/insn
 * already for a 5-instruction loop body, 11 ns for 100 random ALU ops). A switch with fewer than
 * ten cases compiles (C2, {@code MinJumpTableSize}) to a short tree of compare-and-branch, which
 * the conditional-branch predictor learns from global history: the same 100 random ALU ops then run
 * at ~3-4 ns/insn. The layout below is {@code op = supergroup << 6 | group << 3 | index}: three
 * nested switches of at most eight cases each.
 */
final class Ops {
  private Ops() {}

  // Supergroup 0: ALU. Group 0..3 ALU64, 4..7 ALU32.
  static final int ADD64_K = 0, SUB64_K = 1, MUL64_K = 2, OR64_K = 3;
  static final int AND64_K = 4, XOR64_K = 5, MOV64_K = 6, LSH64_K = 7;
  static final int RSH64_K = 8, ARSH64_K = 9, NEG64 = 10, DIV64_K = 11;
  static final int MOD64_K = 12, SDIV64_K = 13, SMOD64_K = 14, BSWAP = 15;
  static final int ADD64_X = 16, SUB64_X = 17, MUL64_X = 18, OR64_X = 19;
  static final int AND64_X = 20, XOR64_X = 21, MOV64_X = 22, LSH64_X = 23;
  static final int RSH64_X = 24, ARSH64_X = 25, DIV64_X = 26, MOD64_X = 27;
  static final int SDIV64_X = 28, SMOD64_X = 29, MOVSX64 = 30;
  static final int ADD32_K = 32, SUB32_K = 33, MUL32_K = 34, OR32_K = 35;
  static final int AND32_K = 36, XOR32_K = 37, MOV32_K = 38, LSH32_K = 39;
  static final int RSH32_K = 40, ARSH32_K = 41, NEG32 = 42, DIV32_K = 43;
  static final int MOD32_K = 44, SDIV32_K = 45, SMOD32_K = 46, TO_LE32 = 47;
  static final int ADD32_X = 48, SUB32_X = 49, MUL32_X = 50, OR32_X = 51;
  static final int AND32_X = 52, XOR32_X = 53, MOV32_X = 54, LSH32_X = 55;
  static final int RSH32_X = 56, ARSH32_X = 57, DIV32_X = 58, MOD32_X = 59;
  static final int SDIV32_X = 60, SMOD32_X = 61, MOVSX32 = 62, TO_BE32 = 63;

  // Supergroup 1: jumps, calls, exit.
  static final int JA = 64, JEQ_K = 65, JNE_K = 66, JGT_K = 67;
  static final int JGE_K = 68, JLT_K = 69, JLE_K = 70, JSET_K = 71;
  static final int JSGT_K = 72, JSGE_K = 73, JSLT_K = 74, JSLE_K = 75;
  static final int JEQ_X = 76, JNE_X = 77, JGT_X = 78, JGE_X = 79;
  static final int JLT_X = 80, JLE_X = 81, JSET_X = 82, JSGT_X = 83;
  static final int JSGE_X = 84, JSLT_X = 85, JSLE_X = 86, JA32 = 87;
  static final int JEQ32_K = 88, JNE32_K = 89, JGT32_K = 90, JGE32_K = 91;
  static final int JLT32_K = 92, JLE32_K = 93, JSET32_K = 94, JSGT32_K = 95;
  static final int JSGE32_K = 96, JSLT32_K = 97, JSLE32_K = 98, JEQ32_X = 99;
  static final int JNE32_X = 100, JGT32_X = 101, JGE32_X = 102, JLT32_X = 103;
  static final int JLE32_X = 104, JSET32_X = 105, JSGT32_X = 106, JSGE32_X = 107;
  static final int JSLT32_X = 108, JSLE32_X = 109;
  static final int CALL_HELPER = 112, CALLX = 113, CALL_KFUNC = 114, CALL_LOCAL = 115;
  static final int EXIT = 116;

  // Supergroup 2: memory.
  static final int LDXB = 128, LDXH = 129, LDXW = 130, LDXDW = 131;
  static final int LDXSB = 132, LDXSH = 133, LDXSW = 134, LD_IMM64 = 135;
  static final int STB = 136, STH = 137, STW = 138, STDW = 139;
  static final int STXB = 140, STXH = 141, STXW = 142, STXDW = 143;
  static final int ATOMIC32 = 144, ATOMIC64 = 145, ATOMIC8 = 146, ATOMIC16 = 147;

  // Supergroup 3: the exceptional.
  static final int END_OF_CODE = 192, DEFERRED_TRAP = 193;

  private static final int[] ALU64_K = {
    ADD64_K, SUB64_K, MUL64_K, DIV64_K, OR64_K, AND64_K, LSH64_K, RSH64_K, NEG64, MOD64_K, XOR64_K,
    MOV64_K, ARSH64_K, BSWAP
  };
  private static final int[] ALU64_X = {
    ADD64_X, SUB64_X, MUL64_X, DIV64_X, OR64_X, AND64_X, LSH64_X, RSH64_X, -1, MOD64_X, XOR64_X,
    MOV64_X, ARSH64_X, -1
  };
  private static final int[] ALU32_K = {
    ADD32_K, SUB32_K, MUL32_K, DIV32_K, OR32_K, AND32_K, LSH32_K, RSH32_K, NEG32, MOD32_K, XOR32_K,
    MOV32_K, ARSH32_K, TO_LE32
  };
  private static final int[] ALU32_X = {
    ADD32_X, SUB32_X, MUL32_X, DIV32_X, OR32_X, AND32_X, LSH32_X, RSH32_X, -1, MOD32_X, XOR32_X,
    MOV32_X, ARSH32_X, TO_BE32
  };
  // Indexed by jump code >> 4: JA JEQ JGT JGE JSET JNE JSGT JSGE CALL EXIT JLT JLE JSLT JSLE.
  private static final int[] JMP_K = {
    JA, JEQ_K, JGT_K, JGE_K, JSET_K, JNE_K, JSGT_K, JSGE_K, -1, -1, JLT_K, JLE_K, JSLT_K, JSLE_K
  };
  private static final int[] JMP_X = {
    -1, JEQ_X, JGT_X, JGE_X, JSET_X, JNE_X, JSGT_X, JSGE_X, -1, -1, JLT_X, JLE_X, JSLT_X, JSLE_X
  };
  private static final int[] JMP32_K = {
    JA32, JEQ32_K, JGT32_K, JGE32_K, JSET32_K, JNE32_K, JSGT32_K, JSGE32_K, -1, -1, JLT32_K,
    JLE32_K, JSLT32_K, JSLE32_K
  };
  private static final int[] JMP32_X = {
    -1, JEQ32_X, JGT32_X, JGE32_X, JSET32_X, JNE32_X, JSGT32_X, JSGE32_X, -1, -1, JLT32_X, JLE32_X,
    JSLT32_X, JSLE32_X
  };

  /** The internal op of a decoder-validated instruction (second ld_imm64 slots excluded). */
  static int of(Insn insn) {
    int op = insn.opcode();
    int code = (op & 0xf0) >> 4;
    boolean x = (op & X) != 0;
    boolean signed = insn.off() == 1;
    switch (op & 0x07) {
      case ALU64:
        if (code == DIV >> 4 && signed) {
          return x ? SDIV64_X : SDIV64_K;
        }
        if (code == MOD >> 4 && signed) {
          return x ? SMOD64_X : SMOD64_K;
        }
        if (code == MOV >> 4 && x && insn.off() != 0) {
          return MOVSX64;
        }
        return checked(x ? ALU64_X : ALU64_K, code, op);
      case ALU:
        if (code == DIV >> 4 && signed) {
          return x ? SDIV32_X : SDIV32_K;
        }
        if (code == MOD >> 4 && signed) {
          return x ? SMOD32_X : SMOD32_K;
        }
        if (code == MOV >> 4 && x && insn.off() != 0) {
          return MOVSX32;
        }
        return checked(x ? ALU32_X : ALU32_K, code, op);
      case JMP:
        if (op == EXIT_OP) {
          return EXIT;
        }
        if (op == CALL_OP) {
          switch (insn.src()) {
            case PSEUDO_CALL:
              return CALL_LOCAL;
            case PSEUDO_KFUNC_CALL:
              return CALL_KFUNC;
            default:
              return CALL_HELPER;
          }
        }
        if (op == (JMP | CALL | X)) {
          return CALLX;
        }
        return checked(x ? JMP_X : JMP_K, code, op);
      case JMP32:
        return checked(x ? JMP32_X : JMP32_K, code, op);
      case LD:
        if (op == io.xdpemu.ebpf.isa.Opcodes.LD_IMM64) {
          return LD_IMM64;
        }
        break;
      case LDX:
        {
          int size = sizeIndex(op);
          if ((op & 0xe0) == MEM) {
            return LDXB + size;
          }
          if ((op & 0xe0) == MEMSX && size < 3) {
            return LDXSB + size;
          }
          break;
        }
      case ST:
        if ((op & 0xe0) == MEM) {
          return STB + sizeIndex(op);
        }
        break;
      default: // STX
        if ((op & 0xe0) == MEM) {
          return STXB + sizeIndex(op);
        }
        if ((op & 0xe0) == ATOMIC) {
          return new int[] {ATOMIC8, ATOMIC16, ATOMIC32, ATOMIC64}[sizeIndex(op)];
        }
    }
    throw new IllegalArgumentException(String.format("no internal op for opcode 0x%02x", op));
  }

  /** B, H, W, DW as 0, 1, 2, 3. */
  private static int sizeIndex(int op) {
    switch (op & 0x18) {
      case B:
        return 0;
      case H:
        return 1;
      case W:
        return 2;
      default:
        return 3;
    }
  }

  private static int checked(int[] table, int code, int op) {
    int v = code < table.length ? table[code] : -1;
    if (v < 0) {
      throw new IllegalArgumentException(String.format("no internal op for opcode 0x%02x", op));
    }
    return v;
  }
}
