package io.xdpemu.ebpf.isa;

import static io.xdpemu.ebpf.isa.Opcodes.*;

/**
 * Short names of instruction forms in the bpf_conformance assembler's vocabulary ({@code add32 dst,
 * imm}, {@code ldxw}, {@code lock fetch add}), used in error messages. Listings use the kernel
 * notation instead (see {@link Disassembler}).
 */
final class Mnemonics {
  private Mnemonics() {}

  private static final String[] ALU_NAMES = {
    "add", "sub", "mul", "div", "or", "and", "lsh", "rsh", "neg", "mod", "xor", "mov", "arsh", "end"
  };
  private static final String[] JMP_NAMES = {
    "ja", "jeq", "jgt", "jge", "jset", "jne", "jsgt", "jsge", "call", "exit", "jlt", "jle", "jslt",
    "jsle", "jcond", "?"
  };

  static String name(Insn insn) {
    int op = insn.opcode();
    boolean x = (op & X) != 0;
    switch (op & 0x07) {
      case ALU:
      case ALU64:
        {
          int code = (op & 0xf0) >> 4;
          if (code >= ALU_NAMES.length) {
            return String.format("opcode 0x%02x", op);
          }
          String base = ALU_NAMES[code];
          if ((code == 3 || code == 9) && insn.off() == 1) {
            base = "s" + base;
          }
          if (code == 8 || code == 13) {
            return base + ((op & 0x07) == ALU ? "32" : "64");
          }
          return base + ((op & 0x07) == ALU ? "32" : "64") + (x ? " dst, src" : " dst, imm");
        }
      case JMP:
      case JMP32:
        {
          String base = JMP_NAMES[(op & 0xf0) >> 4] + ((op & 0x07) == JMP32 ? "32" : "");
          int code = op & 0xf0;
          if (code == JA || code == EXIT) {
            return base;
          }
          if (code == CALL) {
            return x ? "callx" : "call";
          }
          return base + (x ? " dst, src" : " dst, imm");
        }
      case LD:
        return op == LD_IMM64 ? "lddw" : String.format("ld opcode 0x%02x", op);
      case LDX:
        return ((op & 0xe0) == MEMSX ? "ldxs" : "ldx") + sizeSuffix(op);
      case ST:
        return "st" + sizeSuffix(op);
      default:
        return (op & 0xe0) == ATOMIC ? "lock" + sizeSuffix(op) : "stx" + sizeSuffix(op);
    }
  }

  private static String sizeSuffix(int op) {
    switch (op & 0x18) {
      case W:
        return "w";
      case H:
        return "h";
      case B:
        return "b";
      default:
        return "dw";
    }
  }
}
