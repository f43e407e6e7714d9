package io.xdpemu.verifier;

import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import java.util.function.BiFunction;

/**
 * The instruction text of the verifier log, in the notation of the kernel's {@code
 * kernel/bpf/disasm.c} ({@code print_bpf_insn()}): {@code (61) r2 = *(u32 *)(r1 +4)}, {@code (2d)
 * if r3 > r2 goto pc+7}, {@code (85) call bpf_map_lookup_elem#1}. Kept inside the verifier so that
 * the log does not depend on other modules' formatting choices.
 */
final class KernelDisasm {
  private KernelDisasm() {}

  private static final String[] ALU_OPS = {
    "+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=", "s>>=", "endian", "",
    ""
  };
  private static final String[] JMP_OPS = {
    "jmp", "==", ">", ">=", "&", "!=", "s>", "s>=", "call", "exit", "<", "<=", "s<", "s<=", "", ""
  };

  private static String size(int opcode) {
    switch (opcode & 0x18) {
      case Opcodes.W:
        return "u32";
      case Opcodes.H:
        return "u16";
      case Opcodes.B:
        return "u8";
      default:
        return "u64";
    }
  }

  private static String off(int off) {
    return off >= 0 ? "+" + off : Integer.toString(off);
  }

  private static final String HEX = "0123456789abcdef";

  static String format(
      Insn[] insns, int pc, BiFunction<Insn, Integer, String> callName, boolean ptrLeaks) {
    Insn i = insns[pc];
    String code = "(" + HEX.charAt(i.opcode() >> 4 & 0xf) + HEX.charAt(i.opcode() & 0xf) + ") ";
    return code + body(insns, pc, i, callName);
  }

  private static String body(Insn[] insns, int pc, Insn i, BiFunction<Insn, Integer, String> call) {
    int cls = i.cls();
    int op = i.opcode() & 0xf0;
    boolean x = (i.opcode() & Opcodes.X) != 0;
    switch (cls) {
      case Opcodes.ALU:
      case Opcodes.ALU64:
        return alu(i, cls == Opcodes.ALU64, op, x);
      case Opcodes.STX:
        return stx(i);
      case Opcodes.ST:
        if ((i.opcode() & 0xe0) == Opcodes.MEM) {
          return "*("
              + size(i.opcode())
              + " *)(r"
              + i.dst()
              + " "
              + off(i.off())
              + ") = "
              + i.imm();
        }
        return "BUG_st_" + Integer.toHexString(i.opcode());
      case Opcodes.LDX:
        {
          int mode = i.opcode() & 0xe0;
          String sz = size(i.opcode());
          if (mode == Opcodes.MEMSX) {
            sz = "s" + sz.substring(1);
          }
          return "r" + i.dst() + " = *(" + sz + " *)(r" + i.src() + " " + off(i.off()) + ")";
        }
      case Opcodes.LD:
        {
          int mode = i.opcode() & 0xe0;
          if (mode == Opcodes.ABS) {
            return "r0 = *(" + size(i.opcode()) + " *)skb[" + i.imm() + "]";
          }
          if (mode == Opcodes.IND) {
            return "r0 = *(" + size(i.opcode()) + " *)skb[r" + i.src() + " + " + i.imm() + "]";
          }
          if (i.opcode() == Opcodes.LD_IMM64) {
            long hi = pc + 1 < insns.length ? insns[pc + 1].imm() : 0;
            long v = (i.imm() & 0xffffffffL) | (hi << 32);
            if (i.src() == Opcodes.PSEUDO_MAP_FD || i.src() == Opcodes.PSEUDO_MAP_IDX) {
              return "r" + i.dst() + " = map[id:" + i.imm() + "]";
            }
            if (i.src() == Opcodes.PSEUDO_MAP_VALUE || i.src() == Opcodes.PSEUDO_MAP_IDX_VALUE) {
              return "r" + i.dst() + " = map[id:" + i.imm() + "][0]+" + hi;
            }
            if (i.src() == Opcodes.PSEUDO_FUNC) {
              return "r" + i.dst() + " = func#pc" + (i.imm() >= 0 ? "+" : "") + i.imm();
            }
            return "r" + i.dst() + " = 0x" + Long.toHexString(v);
          }
          return "BUG_ld_" + Integer.toHexString(i.opcode());
        }
      default:
        return jmp(i, pc, cls == Opcodes.JMP32, op, x, call);
    }
  }

  private static String alu(Insn i, boolean is64, int op, boolean x) {
    char r = is64 ? 'r' : 'w';
    if (op == Opcodes.END) {
      if (is64) {
        return "r" + i.dst() + " = bswap" + i.imm() + " r" + i.dst();
      }
      return "r" + i.dst() + " = " + (x ? "be" : "le") + i.imm() + " r" + i.dst();
    }
    if (op == Opcodes.NEG) {
      return r + "" + i.dst() + " = -" + r + i.dst();
    }
    String opStr = ALU_OPS[op >> 4];
    if (i.off() != 0 && (op == Opcodes.DIV || op == Opcodes.MOD)) {
      opStr = "s" + opStr;
    }
    if (x) {
      if (op == Opcodes.MOV && i.off() != 0) {
        return r + "" + i.dst() + " = (s" + i.off() + ")" + r + i.src();
      }
      return r + "" + i.dst() + " " + opStr + " " + r + i.src();
    }
    return r + "" + i.dst() + " " + opStr + " " + i.imm();
  }

  private static String stx(Insn i) {
    int mode = i.opcode() & 0xe0;
    String sz = size(i.opcode());
    String addr = "(r" + i.dst() + " " + off(i.off()) + ")";
    if (mode == Opcodes.MEM) {
      return "*(" + sz + " *)" + addr + " = r" + i.src();
    }
    boolean w64 = (i.opcode() & 0x18) == Opcodes.DW;
    char r = w64 ? 'r' : 'w';
    String pfx = w64 ? "atomic64_" : "atomic_";
    int imm = i.imm();
    int aop = imm & ~Opcodes.FETCH;
    String name =
        aop == Opcodes.ADD
            ? "add"
            : aop == Opcodes.AND
                ? "and"
                : aop == Opcodes.OR ? "or" : aop == Opcodes.XOR ? "xor" : null;
    String sym =
        aop == Opcodes.ADD ? "+=" : aop == Opcodes.AND ? "&=" : aop == Opcodes.OR ? "|=" : "^=";
    if (name != null && (imm & Opcodes.FETCH) == 0) {
      return "lock *(" + sz + " *)" + addr + " " + sym + " r" + i.src();
    }
    if (name != null) {
      return r + "" + i.src() + " = " + pfx + "fetch_" + name + "((" + sz + " *)" + addr + ", " + r
          + i.src() + ")";
    }
    if (imm == Opcodes.XCHG) {
      return r + "" + i.src() + " = " + pfx + "xchg((" + sz + " *)" + addr + ", " + r + i.src()
          + ")";
    }
    if (imm == Opcodes.CMPXCHG) {
      return r
          + "0 = "
          + pfx
          + "cmpxchg(("
          + sz
          + " *)"
          + addr
          + ", "
          + r
          + "0, "
          + r
          + i.src()
          + ")";
    }
    return "BUG_" + Integer.toHexString(i.opcode());
  }

  private static String jmp(
      Insn i, int pc, boolean j32, int op, boolean x, BiFunction<Insn, Integer, String> call) {
    if (op == Opcodes.CALL && !j32) {
      if (i.src() == Opcodes.PSEUDO_CALL) {
        return "call pc" + off(i.imm());
      }
      return "call " + call.apply(i, pc) + "#" + i.imm();
    }
    if (op == Opcodes.EXIT) {
      return "exit";
    }
    if (op == Opcodes.JA) {
      return j32 ? "gotol pc" + off(i.imm()) : "goto pc" + off(i.off());
    }
    if (op == Opcodes.JCOND) {
      return "may_goto pc" + off(i.off());
    }
    char r = j32 ? 'w' : 'r';
    String rhs = x ? r + "" + i.src() : "0x" + Integer.toHexString(i.imm());
    return "if " + r + i.dst() + " " + JMP_OPS[op >> 4] + " " + rhs + " goto pc" + off(i.off());
  }
}
