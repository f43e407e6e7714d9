package io.xdpemu.ebpf.isa;

import static io.xdpemu.ebpf.isa.Opcodes.*;

import java.util.ArrayList;
import java.util.List;

/**
 * The one disassembler in the kernel's notation: the text of {@code print_bpf_insn()}
 * (kernel/bpf/disasm.c), which both {@code bpftool prog dump xlated} and the verifier log print.
 * {@link #listing} adds bpftool's {@code "% 4d: "} index (tools/bpf/bpftool/xlated_dumper.c); the
 * verifier formats its log lines with {@link #format} and its own {@link Resolver} (the kernel's
 * verifier passes no {@code cb_imm}, so its {@code ld_imm64} text differs from bpftool's), for
 * example
 *
 * <pre>
 *    0: (b7) r0 = 2
 *    1: (61) r2 = *(u32 *)(r1 +4)
 *    2: (15) if r1 == 0x0 goto pc+3
 *    3: (85) call bpf_map_lookup_elem#1
 *    4: (18) r1 = map[id:3]
 *    6: (c3) lock *(u32 *)(r1 +0) += r2
 *    7: (bc) w1 = w2
 * </pre>
 *
 * <p>One listing format everywhere ({@code toString}, error messages, golden files). What only the
 * loader knows - helper names beyond the kernel's table, kfunc names, map ids, source lines - comes
 * from a {@link Resolver}. {@code callx} (0x8d), which the kernel does not accept, prints as {@code
 * callx rN}. Load-acquire and store-release print as in Linux 6.15's disasm.c (bpftool 7.1 still
 * prints {@code BUG_d3} for them).
 */
public final class Disassembler {
  /** What the listing cannot know from the instructions alone; every method may return null. */
  public interface Resolver {
    /** Name of helper {@code id} when the kernel's table has none (a registry's own helpers). */
    default String helperName(int id) {
      return null;
    }

    /** Name of the kfunc called at {@code pc} ({@code call} with src 2). */
    default String kfuncName(int pc, Insn insn) {
      return null;
    }

    /**
     * The number printed after a kfunc's name: libbpf loads the function's BTF id in the kernel
     * into {@code imm}, which an object file does not hold yet.
     */
    default int kfuncId(int pc, Insn insn) {
      return insn.imm();
    }

    /**
     * Replacement text for the value of {@code ld_imm64} at {@code pc} (for example {@code
     * map[id:3]} once the loader knows the map's id); null for bpftool's default rendering.
     */
    default String ldImm64(int pc, Insn insn, Insn next) {
      return null;
    }

    /** Comment lines (source lines from .BTF.ext line info) printed as {@code ; text} before pc. */
    default List<String> comments(int pc) {
      return List.of();
    }

    /**
     * The function signature starting at {@code pc}, printed as {@code sig:} (bpftool func info).
     */
    default String functionHeader(int pc) {
      return null;
    }
  }

  public static final Resolver NO_RESOLVER = new Resolver() {};

  /** BPF_NOSPEC: the kernel's internal speculation barrier (ST class, mode 0xc0, no UAPI). */
  private static final int NOSPEC_MODE = 0xc0;

  /**
   * {@code off} of the arena/per-CPU forms of ALU64 MOV X (BPF_ADDR_SPACE_CAST, BPF_ADDR_PERCPU).
   */
  private static final int ADDR_SPACE_CAST = 1;

  private static final int ADDR_PERCPU = -1;

  private static final String[] ALU_OPS = {
    "+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=", "s>>=", "endian"
  };
  private static final String[] JMP_OPS = {
    "jmp", "==", ">", ">=", "&", "!=", "s>", "s>=", "call", "exit", "<", "<=", "s<", "s<="
  };

  private final Resolver resolver;

  public Disassembler(Resolver resolver) {
    this.resolver = resolver == null ? NO_RESOLVER : resolver;
  }

  public Disassembler() {
    this(NO_RESOLVER);
  }

  /** The whole listing, one line per instruction (ld_imm64 shows once, at its first slot). */
  public List<String> listing(Insn[] insns) {
    List<String> out = new ArrayList<>();
    for (int pc = 0; pc < insns.length; pc++) {
      String header = resolver.functionHeader(pc);
      if (header != null) {
        out.add(header + ":");
      }
      for (String c : resolver.comments(pc)) {
        out.add("; " + c);
      }
      out.add(String.format("% 4d: ", pc) + format(insns, pc));
      if (insns[pc].opcode() == LD_IMM64) {
        pc++;
      }
    }
    return out;
  }

  /** One instruction without the index, e.g. {@code (bf) r1 = r6}. */
  public String format(Insn[] insns, int pc) {
    Insn i = insns[pc];
    int op = i.opcode();
    String code = String.format("(%02x) ", op);
    switch (op & 0x07) {
      case ALU:
      case ALU64:
        return code + alu(i);
      case STX:
        String body = stx(i);
        return body == null ? String.format("BUG_%02x", op) : code + body;
      case ST:
        if ((op & 0xe0) == NOSPEC_MODE) {
          return code + "nospec";
        }
        if ((op & 0xe0) != MEM) {
          return String.format("BUG_st_%02x", op);
        }
        return code + String.format("*(%s *)(r%d %+d) = %d", size(op), i.dst(), i.off(), i.imm());
      case LDX:
        if ((op & 0xe0) != MEM && (op & 0xe0) != MEMSX) {
          return String.format("BUG_ldx_%02x", op);
        }
        String sz = (op & 0xe0) == MEM ? size(op) : "s" + size(op).substring(1);
        return code + String.format("r%d = *(%s *)(r%d %+d)", i.dst(), sz, i.src(), i.off());
      case LD:
        String load = ld(insns, pc);
        return load == null ? String.format("BUG_ld_%02x", op) : code + load;
      default:
        return code + jump(i, pc);
    }
  }

  private static String alu(Insn i) {
    int op = i.opcode();
    char w = (op & 0x07) == ALU ? 'w' : 'r';
    int code = (op & 0xf0) >> 4;
    if ((op & 0xf0) == END) {
      if ((op & 0x07) == ALU64) {
        return String.format("r%d = bswap%d r%d", i.dst(), i.imm(), i.dst());
      }
      return String.format(
          "r%d = %s%d r%d", i.dst(), (op & X) == TO_BE ? "be" : "le", i.imm(), i.dst());
    }
    if ((op & 0xf0) == NEG) {
      return String.format("%c%d = -%c%d", w, i.dst(), w, i.dst());
    }
    String sym = code < ALU_OPS.length ? ALU_OPS[code] : "?";
    boolean signed = ((op & 0xf0) == DIV || (op & 0xf0) == MOD) && i.off() == 1;
    if (signed) {
      sym = "s" + sym;
    }
    if (op == (ALU64 | MOV | X) && i.off() == ADDR_SPACE_CAST) {
      return String.format(
          "r%d = addr_space_cast(r%d, %d, %d)", i.dst(), i.src(), i.imm() >>> 16, i.imm() & 0xffff);
    }
    if (op == (ALU64 | MOV | X) && i.off() == ADDR_PERCPU) {
      return String.format("r%d = &(void __percpu *)(r%d)", i.dst(), i.src());
    }
    if ((op & X) != 0) {
      String cast = "";
      if ((op & 0xf0) == MOV && (i.off() == 8 || i.off() == 16 || i.off() == 32)) {
        cast = "(s" + i.off() + ")";
      }
      return String.format("%c%d %s %s%c%d", w, i.dst(), sym, cast, w, i.src());
    }
    return String.format("%c%d %s %d", w, i.dst(), sym, i.imm());
  }

  /** The text after the opcode, null for an encoding disasm.c prints as {@code BUG_xx}. */
  private static String stx(Insn i) {
    int op = i.opcode();
    String sz = size(op);
    if ((op & 0xe0) == MEM) {
      return String.format("*(%s *)(r%d %+d) = r%d", sz, i.dst(), i.off(), i.src());
    }
    if ((op & 0xe0) != ATOMIC) {
      return null;
    }
    String wide = (op & 0x18) == DW ? "64" : "";
    int imm = i.imm();
    switch (imm) {
      case ADD:
      case AND:
      case OR:
      case XOR:
        return String.format(
            "lock *(%s *)(r%d %+d) %s r%d", sz, i.dst(), i.off(), ALU_OPS[imm >> 4], i.src());
      case ADD | FETCH:
      case AND | FETCH:
      case OR | FETCH:
      case XOR | FETCH:
        String name =
            imm == (ADD | FETCH)
                ? "add"
                : imm == (AND | FETCH) ? "and" : imm == (OR | FETCH) ? "or" : "xor";
        return String.format(
            "r%d = atomic%s_fetch_%s((%s *)(r%d %+d), r%d)",
            i.src(), wide, name, sz, i.dst(), i.off(), i.src());
      case CMPXCHG:
        return String.format(
            "r0 = atomic%s_cmpxchg((%s *)(r%d %+d), r0, r%d)", wide, sz, i.dst(), i.off(), i.src());
      case XCHG:
        return String.format(
            "r%d = atomic%s_xchg((%s *)(r%d %+d), r%d)",
            i.src(), wide, sz, i.dst(), i.off(), i.src());
      case LOAD_ACQ:
        return String.format("r%d = load_acquire((%s *)(r%d %+d))", i.dst(), sz, i.src(), i.off());
      case STORE_REL:
        return String.format("store_release((%s *)(r%d %+d), r%d)", sz, i.dst(), i.off(), i.src());
      default:
        return null;
    }
  }

  /** The text after the opcode, null for an encoding disasm.c prints as {@code BUG_ld_xx}. */
  private String ld(Insn[] insns, int pc) {
    Insn i = insns[pc];
    int op = i.opcode();
    switch (op & 0xe0) {
      case ABS:
        return String.format("r0 = *(%s *)skb[%d]", size(op), i.imm());
      case IND:
        return String.format("r0 = *(%s *)skb[r%d + %d]", size(op), i.src(), i.imm());
      default:
    }
    if (op != LD_IMM64) {
      return null;
    }
    Insn next = pc + 1 < insns.length ? insns[pc + 1] : new Insn(0, 0, 0, 0, 0);
    String text = resolver.ldImm64(pc, i, next);
    if (text == null) {
      // bpftool's print_imm(): map ids after the kernel's bpf_insn_prepare_dump().
      switch (i.src()) {
        case PSEUDO_MAP_FD:
          text = "map[id:" + Integer.toUnsignedString(i.imm()) + "]";
          break;
        case PSEUDO_MAP_VALUE:
          text =
              "map[id:"
                  + Integer.toUnsignedString(i.imm())
                  + "][0]+"
                  + Integer.toUnsignedString(next.imm());
          break;
        case PSEUDO_MAP_IDX_VALUE:
          text =
              "map[idx:"
                  + Integer.toUnsignedString(i.imm())
                  + "]+"
                  + Integer.toUnsignedString(next.imm());
          break;
        case PSEUDO_FUNC:
          text = String.format("subprog[%+d]", i.imm());
          break;
        default:
          long full = ((long) next.imm() << 32) | (i.imm() & 0xffffffffL);
          text = "0x" + Long.toHexString(full);
      }
    }
    return String.format("r%d = %s", i.dst(), text);
  }

  private String jump(Insn i, int pc) {
    int op = i.opcode();
    char w = (op & 0x07) == JMP32 ? 'w' : 'r';
    int code = op & 0xf0;
    if (code == CALL) {
      if ((op & X) != 0) {
        return String.format("callx r%d", i.dst());
      }
      if (i.src() == PSEUDO_CALL) {
        return String.format("call pc%+d", i.imm());
      }
      String name;
      if (i.src() == PSEUDO_KFUNC_CALL) {
        name = resolver.kfuncName(pc, i);
        if (name == null) {
          name = "kernel-function";
        }
      } else {
        // __func_get_name(): the helper table only for src 0, as the kernel does.
        name = i.src() == 0 ? HelperNames.name(i.imm()) : null;
        if (name == null) {
          name = resolver.helperName(i.imm());
        }
        if (name == null) {
          name = "unknown";
        }
      }
      int number = i.src() == PSEUDO_KFUNC_CALL ? resolver.kfuncId(pc, i) : i.imm();
      return String.format("call %s#%d", name, number);
    }
    if (op == (JMP | JA)) {
      return String.format("goto pc%+d", i.off());
    }
    if (op == (JMP32 | JA)) {
      return String.format("gotol pc%+d", i.imm());
    }
    if (op == (JMP | JCOND) && i.src() == 0) {
      return String.format("may_goto pc%+d", i.off());
    }
    if (op == EXIT_OP) {
      return "exit";
    }
    String sym = (code >> 4) < JMP_OPS.length ? JMP_OPS[code >> 4] : "?";
    if ((op & X) != 0) {
      return String.format("if %c%d %s %c%d goto pc%+d", w, i.dst(), sym, w, i.src(), i.off());
    }
    return String.format("if %c%d %s 0x%x goto pc%+d", w, i.dst(), sym, i.imm(), i.off());
  }

  private static String size(int op) {
    switch (op & 0x18) {
      case W:
        return "u32";
      case H:
        return "u16";
      case B:
        return "u8";
      default:
        return "u64";
    }
  }
}
