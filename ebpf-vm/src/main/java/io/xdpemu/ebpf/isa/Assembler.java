package io.xdpemu.ebpf.isa;

import static io.xdpemu.ebpf.isa.Opcodes.*;

import io.xdpemu.ebpf.MalformedInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Assembler for the text syntax of the bpf_conformance suite ({@code lib/src/bpf_assembler.cc}), so
 * that tests read like the suite's {@code .data} files:
 *
 * <pre>
 *   mov32 %r0, 1
 *   ldxh %r3, [%r1+12]
 *   jne %r3, 0x81, L1      # label, or +N / -N slots
 *   lock fetch add32 [%r10-4], %r1
 *   call local func1
 * L1:
 *   exit
 * </pre>
 *
 * <p>Rules (from the suite's assembler): operands are whitespace-separated with a trailing comma
 * stripped; numbers containing {@code 0x} are hex and must fit 32 bits unsigned for immediates and
 * 16 bits unsigned for offsets, other numbers are signed decimal range-checked as s32/s16; {@code
 * lddw} takes a 64-bit immediate; the label {@code exit} names the first {@code exit}; a jump's
 * offset is {@code label - pc - 1} in slots ({@code lddw} counts two), stored in imm for {@code
 * ja32} and {@code call local}. Registers {@code %r11..%r15} assemble (the decoder then refuses
 * them), as the suite's negative tests need. Beyond the suite: {@code ldxacq{b,h,w,dw} dst,
 * [src+off]} (load-acquire) and {@code stxrel{b,h,w,dw} [dst+off], src} (store-release). Errors are
 * {@link MalformedInputException}s naming the line.
 */
public final class Assembler {
  private Assembler() {}

  private static final Map<String, Integer> ALU_OPS = new HashMap<>();
  private static final Map<String, Integer> JMP_OPS = new HashMap<>();
  private static final Map<String, Integer> ATOMIC_OPS = new HashMap<>();

  static {
    String[] alu = {"add", "sub", "mul", "div", "or", "and", "lsh", "rsh", "", "mod", "xor", "mov"};
    for (int i = 0; i < alu.length; i++) {
      if (!alu[i].isEmpty()) {
        ALU_OPS.put(alu[i], i << 4);
      }
    }
    ALU_OPS.put("arsh", ARSH);
    String[] jmp = {
      "", "jeq", "jgt", "jge", "jset", "jne", "jsgt", "jsge", "", "", "jlt", "jle", "jslt", "jsle"
    };
    for (int i = 0; i < jmp.length; i++) {
      if (!jmp[i].isEmpty()) {
        JMP_OPS.put(jmp[i], i << 4);
      }
    }
    ATOMIC_OPS.put("add", ADD);
    ATOMIC_OPS.put("or", OR);
    ATOMIC_OPS.put("and", AND);
    ATOMIC_OPS.put("xor", XOR);
    ATOMIC_OPS.put("xchg", XCHG);
    ATOMIC_OPS.put("cmpxchg", CMPXCHG);
  }

  private static final Pattern LABEL = Pattern.compile("([A-Za-z_.][A-Za-z0-9_.]*):");
  private static final Pattern MEMORY = Pattern.compile("\\[(%r\\d+)(?:([+-])(\\w+))?\\]");

  /** Assembles a whole text; line numbers in errors count from 1. */
  public static Insn[] assemble(String text) {
    return assemble(text, "assembly", 1);
  }

  /**
   * Assembles {@code text}, naming errors {@code "malformed <source> line N: ..."} where N counts
   * from {@code firstLine} (so a {@code .data} file's asm section reports file line numbers).
   */
  public static Insn[] assemble(String text, String source, int firstLine) {
    return new Pass(source).run(text.split("\n", -1), firstLine);
  }

  /** A jump or call whose offset waits for a label. */
  private record Fixup(int slot, String label, boolean inImm, int line) {}

  private static final class Pass {
    final String source;
    final List<Insn> out = new ArrayList<>();
    final Map<String, Integer> labels = new HashMap<>();
    final List<Fixup> fixups = new ArrayList<>();
    int line;

    Pass(String source) {
      this.source = source;
    }

    Insn[] run(String[] lines, int firstLine) {
      for (int i = 0; i < lines.length; i++) {
        line = firstLine + i;
        String text = lines[i];
        int hash = text.indexOf('#');
        if (hash >= 0) {
          text = text.substring(0, hash);
        }
        text = text.strip();
        if (text.isEmpty()) {
          continue;
        }
        Matcher label = LABEL.matcher(text);
        if (label.matches()) {
          if (labels.putIfAbsent(label.group(1), out.size()) != null) {
            throw error("duplicate label " + label.group(1));
          }
          continue;
        }
        String[] tokens = text.split("\\s+");
        for (int t = 0; t < tokens.length; t++) {
          if (tokens[t].endsWith(",")) {
            tokens[t] = tokens[t].substring(0, tokens[t].length() - 1);
          }
        }
        instruction(tokens);
      }
      for (Fixup f : fixups) {
        Integer target = labels.get(f.label());
        if (target == null) {
          line = f.line();
          throw error("undefined label " + f.label());
        }
        int rel = target - f.slot() - 1;
        Insn insn = out.get(f.slot());
        if (f.inImm()) {
          out.set(f.slot(), insn.withImm(rel));
        } else {
          if (rel < Short.MIN_VALUE || rel > Short.MAX_VALUE) {
            line = f.line();
            throw error("jump to " + f.label() + " out of 16-bit offset range");
          }
          out.set(f.slot(), insn.withOff(rel));
        }
      }
      return out.toArray(new Insn[0]);
    }

    void instruction(String[] t) {
      String m = t[0];
      int nargs = t.length - 1;
      if (m.equals("exit")) {
        operands(t, 0);
        labels.putIfAbsent("exit", out.size());
        emit(EXIT_OP, 0, 0, 0, 0);
      } else if (m.equals("lock")) {
        lock(t);
      } else if (m.equals("lddw")) {
        operands(t, 2);
        long v = parseImm64(t[2]);
        emit(LD_IMM64, reg(t[1]), 0, 0, (int) v);
        emit(0, 0, 0, 0, (int) (v >>> 32));
      } else if (m.equals("ja") || m.equals("ja32")) {
        operands(t, 1);
        boolean wide = m.equals("ja32");
        jumpTo(t[1], wide ? JMP32 | JA : JMP | JA, 0, 0, 0, wide);
      } else if (m.equals("call")) {
        call(t);
      } else if (m.startsWith("neg")) {
        operands(t, 1);
        emit(aluClass(m.substring(3)) | NEG, reg(t[1]), 0, 0, 0);
      } else if (m.startsWith("movsx")) {
        operands(t, 2);
        movsx(m, t);
      } else if (m.matches("(le|be)(16|32|64)")) {
        operands(t, 1);
        int end = ALU | END | (m.startsWith("be") ? TO_BE : TO_LE);
        emit(end, reg(t[1]), 0, 0, Integer.parseInt(m.substring(2)));
      } else if (m.matches("b?swap(16|32|64)")) {
        operands(t, 1);
        emit(ALU64 | END, reg(t[1]), 0, 0, Integer.parseInt(m.substring(m.length() - 2)));
      } else if (m.matches("ldxacq(b|h|w|dw)")) { // our extension: load-acquire
        operands(t, 2);
        int[] mem = memory(t[2]);
        emit(STX | ATOMIC | size(m.substring(6)), reg(t[1]), mem[0], mem[1], LOAD_ACQ);
      } else if (m.matches("stxrel(b|h|w|dw)")) { // our extension: store-release
        operands(t, 2);
        int[] mem = memory(t[1]);
        emit(STX | ATOMIC | size(m.substring(6)), mem[0], reg(t[2]), mem[1], STORE_REL);
      } else if (m.startsWith("ldx")) {
        operands(t, 2);
        boolean signed = m.startsWith("ldxs");
        int size = size(m.substring(signed ? 4 : 3));
        if (signed && size == DW) {
          throw error("unknown mnemonic " + m);
        }
        int[] mem = memory(t[2]);
        emit(LDX | (signed ? MEMSX : MEM) | size, reg(t[1]), mem[0], mem[1], 0);
      } else if (m.startsWith("stx")) {
        operands(t, 2);
        int[] mem = memory(t[1]);
        emit(STX | MEM | size(m.substring(3)), mem[0], reg(t[2]), mem[1], 0);
      } else if (m.startsWith("st")) {
        operands(t, 2);
        int[] mem = memory(t[1]);
        emit(ST | MEM | size(m.substring(2)), mem[0], 0, mem[1], parseImm32(t[2]));
      } else if (jumpOp(m) != null) {
        operands(t, 3);
        String base = jumpOp(m);
        int cls = m.endsWith("32") ? JMP32 : JMP;
        int code = JMP_OPS.get(base);
        if (isReg(t[2])) {
          jumpTo(t[3], cls | code | X, reg(t[1]), reg(t[2]), 0, false);
        } else {
          jumpTo(t[3], cls | code | K, reg(t[1]), 0, parseImm32(t[2]), false);
        }
      } else {
        alu(m, t, nargs);
      }
    }

    String jumpOp(String m) {
      String base = m.endsWith("32") ? m.substring(0, m.length() - 2) : m;
      return JMP_OPS.containsKey(base) ? base : null;
    }

    void alu(String m, String[] t, int nargs) {
      String base = m;
      String suffix = "";
      if (m.endsWith("32") || m.endsWith("64")) {
        base = m.substring(0, m.length() - 2);
        suffix = m.substring(m.length() - 2);
      }
      int off = 0;
      if (base.equals("sdiv") || base.equals("smod")) {
        base = base.substring(1);
        off = 1;
      }
      Integer code = ALU_OPS.get(base);
      if (code == null) {
        throw error("unknown mnemonic " + m);
      }
      if (nargs != 2) {
        throw error("invalid number of operands for " + m + ": " + nargs + " (expected 2)");
      }
      int cls = aluClass(suffix);
      if (isReg(t[2])) {
        emit(cls | code | X, reg(t[1]), reg(t[2]), off, 0);
      } else {
        emit(cls | code | K, reg(t[1]), 0, off, parseImm32(t[2]));
      }
    }

    void movsx(String m, String[] t) {
      Matcher mm = Pattern.compile("movsx(8|16|32)(32|64)").matcher(m);
      if (!mm.matches()) {
        throw error("unknown mnemonic " + m);
      }
      emit(aluClass(mm.group(2)) | MOV | X, reg(t[1]), reg(t[2]), Integer.parseInt(mm.group(1)), 0);
    }

    void lock(String[] t) {
      int i = 1;
      boolean fetch = t.length > 1 && t[1].equals("fetch");
      if (fetch) {
        i++;
      }
      if (t.length != i + 3) {
        throw error("invalid number of operands for lock");
      }
      String op = t[i];
      boolean w32 = op.endsWith("32");
      if (w32) {
        op = op.substring(0, op.length() - 2);
      }
      Integer imm = ATOMIC_OPS.get(op);
      if (imm == null) {
        throw error("unknown atomic operation " + t[i]);
      }
      if (fetch && (imm & FETCH) != 0) {
        throw error("fetch is implied by " + op);
      }
      int[] mem = memory(t[i + 1]);
      emit(STX | ATOMIC | (w32 ? W : DW), mem[0], reg(t[i + 2]), mem[1], imm | (fetch ? FETCH : 0));
    }

    void call(String[] t) {
      if (t.length == 2 && isReg(t[1])) {
        emit(JMP | CALL | X, reg(t[1]), 0, 0, 0);
      } else if (t.length == 2) {
        emit(CALL_OP, 0, 0, 0, parseImm32(t[1]));
      } else if (t.length == 3 && t[1].equals("helper")) {
        emit(CALL_OP, 0, 0, 0, parseImm32(t[2]));
      } else if (t.length == 3 && t[1].equals("runtime")) {
        emit(CALL_OP, 0, PSEUDO_KFUNC_CALL, 0, parseImm32(t[2]));
      } else if (t.length == 3 && t[1].equals("local")) {
        jumpTo(t[2], CALL_OP, 0, PSEUDO_CALL, 0, true);
      } else {
        throw error("invalid operands for call");
      }
    }

    /** Emits a jump whose target is {@code +N}/{@code -N} or a label resolved at the end. */
    void jumpTo(String target, int opcode, int dst, int src, int imm, boolean inImm) {
      if (target.startsWith("+") || target.startsWith("-")) {
        int rel = inImm ? parseImm32(target) : parseOffset(target);
        emit(opcode, dst, src, inImm ? 0 : rel, inImm ? rel : imm);
        return;
      }
      if (!target.matches("[A-Za-z_.][A-Za-z0-9_.]*")) {
        throw error("invalid jump target " + target);
      }
      fixups.add(new Fixup(out.size(), target, inImm, line));
      emit(opcode, dst, src, 0, imm);
    }

    void emit(int opcode, int dst, int src, int off, int imm) {
      out.add(new Insn(opcode, dst, src, off, imm));
    }

    void operands(String[] t, int n) {
      if (t.length - 1 != n) {
        throw error(
            "invalid number of operands for "
                + t[0]
                + ": "
                + (t.length - 1)
                + " (expected "
                + n
                + ")");
      }
    }

    int aluClass(String suffix) {
      switch (suffix) {
        case "":
        case "64":
          return ALU64;
        case "32":
          return ALU;
        default:
          throw error("invalid width suffix " + suffix);
      }
    }

    int size(String s) {
      switch (s) {
        case "b":
          return B;
        case "h":
          return H;
        case "w":
          return W;
        case "dw":
          return DW;
        default:
          throw error("invalid size suffix '" + s + "'");
      }
    }

    boolean isReg(String s) {
      return s.startsWith("%");
    }

    int reg(String s) {
      if (s.matches("%r\\d{1,2}")) {
        int r = Integer.parseInt(s.substring(2));
        if (r <= 15) {
          return r;
        }
      }
      throw error("invalid register " + s);
    }

    /** {@code [%rN]}, {@code [%rN+off]}, {@code [%rN-off]} to {register, offset}. */
    int[] memory(String s) {
      Matcher mm = MEMORY.matcher(s);
      if (!mm.matches()) {
        throw error("invalid memory operand " + s + " (expected [%rN+off])");
      }
      int off = mm.group(3) == null ? 0 : parseOffset(mm.group(2) + mm.group(3));
      return new int[] {reg(mm.group(1)), off};
    }

    int parseOffset(String s) {
      long v = parseNumber(s, 0xffffL);
      if (v < Short.MIN_VALUE || v > 0xffff || (!isHex(s) && v > Short.MAX_VALUE)) {
        throw error("offset " + s + " out of 16-bit range");
      }
      return (short) v;
    }

    int parseImm32(String s) {
      long v = parseNumber(s, 0xffffffffL);
      if (v < Integer.MIN_VALUE || v > 0xffffffffL || (!isHex(s) && v > Integer.MAX_VALUE)) {
        throw error("immediate " + s + " out of 32-bit range");
      }
      return (int) v;
    }

    long parseImm64(String s) {
      String body = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
      try {
        long v;
        if (isHex(s)) {
          v = Long.parseUnsignedLong(body.substring(2), 16);
        } else {
          v = Long.parseLong(body);
        }
        return s.startsWith("-") ? -v : v;
      } catch (NumberFormatException e) {
        throw error("invalid 64-bit immediate " + s);
      }
    }

    boolean isHex(String s) {
      return s.contains("0x") || s.contains("0X");
    }

    /** Parses signed decimal or (optionally signed) hex; hex magnitude limited to {@code max}. */
    long parseNumber(String s, long max) {
      boolean neg = s.startsWith("-");
      String body = neg || s.startsWith("+") ? s.substring(1) : s;
      try {
        long v;
        if (isHex(body)) {
          if (!body.startsWith("0x") && !body.startsWith("0X") || body.length() > 18) {
            throw new NumberFormatException();
          }
          v = Long.parseUnsignedLong(body.substring(2), 16);
          if (Long.compareUnsigned(v, max) > 0) {
            throw error("number " + s + " out of range");
          }
        } else {
          v = Long.parseLong(body);
        }
        return neg ? -v : v;
      } catch (NumberFormatException e) {
        throw error("invalid number " + s);
      }
    }

    MalformedInputException error(String what) {
      return new MalformedInputException("malformed " + source + " line " + line + ": " + what);
    }
  }
}
