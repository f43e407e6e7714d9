package io.xdpemu.ebpf.jit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bytecode of one method (JVMS 6.5) with forward and backward labels. Branches are emitted with
 * 16-bit offsets; in {@code wideJumps} mode (chosen by the caller after a first attempt overflowed)
 * every {@code goto} becomes {@code goto_w} and every conditional branch becomes its inverse
 * skipping over a {@code goto_w}, so that any offset fits:
 *
 * <pre>
 *   if&lt;cond&gt; L        becomes     if&lt;!cond&gt; +8 ; goto_w L
 * </pre>
 */
final class CodeBuilder {
  // The opcodes this JIT emits (JVMS chapter 6).
  static final int LCONST_0 = 0x09, LCONST_1 = 0x0a, BIPUSH = 0x10, SIPUSH = 0x11, LDC = 0x12;
  static final int LDC_W = 0x13, LDC2_W = 0x14, ILOAD = 0x15, LLOAD = 0x16, ALOAD = 0x19;
  static final int AALOAD = 0x32,
      LALOAD = 0x2f,
      ISTORE = 0x36,
      LSTORE = 0x37,
      ASTORE = 0x3a,
      LASTORE = 0x50;
  static final int POP = 0x57, DUP = 0x59, IADD = 0x60, LADD = 0x61, ISUB = 0x64, LSUB = 0x65;
  static final int IMUL = 0x68, LMUL = 0x69, INEG = 0x74, LNEG = 0x75, LSHL = 0x79;
  static final int LSHR = 0x7b, LUSHR = 0x7d, IAND = 0x7e, LAND = 0x7f, IOR = 0x80, LOR = 0x81;
  static final int IXOR = 0x82, LXOR = 0x83, I2L = 0x85, L2I = 0x88, LCMP = 0x94;
  static final int IFEQ = 0x99, IFNE = 0x9a, IFLT = 0x9b, IFGE = 0x9c, IFGT = 0x9d, IFLE = 0x9e;
  static final int IF_ICMPEQ = 0x9f, IF_ICMPNE = 0xa0, IF_ICMPLT = 0xa1, IF_ICMPGE = 0xa2;
  static final int IF_ICMPGT = 0xa3, IF_ICMPLE = 0xa4, GOTO = 0xa7, LRETURN = 0xad;
  static final int RETURN = 0xb1, GETFIELD = 0xb4, PUTFIELD = 0xb5, INVOKEVIRTUAL = 0xb6;
  static final int INVOKESPECIAL = 0xb7, INVOKESTATIC = 0xb8, INVOKEINTERFACE = 0xb9;
  static final int NEWARRAY = 0xbc, ATHROW = 0xbf, IFNULL = 0xc6, IFNONNULL = 0xc7;
  static final int GOTO_W = 0xc8, T_LONG = 11;

  /** A position in the code, bound once with {@link #mark}. */
  static final class Label {
    int pos = -1;
  }

  private record Fixup(Label target, int insnStart, int patchAt, boolean wide) {}

  private final ConstantPool cp;
  private final boolean wideJumps;
  private final List<Fixup> fixups = new ArrayList<>();
  private byte[] code = new byte[4096];
  private int length;

  /** Thrown when a 16-bit branch offset overflowed: generate again with wide jumps. */
  static final class BranchOverflow extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BranchOverflow() {
      super("branch offset exceeds 16 bits", null, false, false);
    }
  }

  CodeBuilder(ConstantPool cp, boolean wideJumps) {
    this.cp = cp;
    this.wideJumps = wideJumps;
  }

  ConstantPool pool() {
    return cp;
  }

  void op(int opcode) {
    u1(opcode);
  }

  void lload(int slot) {
    local(LLOAD, slot);
  }

  void lstore(int slot) {
    local(LSTORE, slot);
  }

  void iload(int slot) {
    local(ILOAD, slot);
  }

  void istore(int slot) {
    local(ISTORE, slot);
  }

  void aload(int slot) {
    local(ALOAD, slot);
  }

  void astore(int slot) {
    local(ASTORE, slot);
  }

  private void local(int opcode, int slot) {
    if (slot > 0xff) {
      throw new IllegalArgumentException("local slot " + slot); // we use fewer than 40
    }
    u1(opcode);
    u1(slot);
  }

  void lconst(long v) {
    if (v == 0) {
      u1(LCONST_0);
    } else if (v == 1) {
      u1(LCONST_1);
    } else {
      u1(LDC2_W);
      u2(cp.longValue(v));
    }
  }

  void iconst(int v) {
    if (v >= -1 && v <= 5) {
      u1(0x03 + v); // iconst_m1 .. iconst_5
    } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
      u1(BIPUSH);
      u1(v);
    } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
      u1(SIPUSH);
      u2(v);
    } else {
      ldc(cp.integer(v));
    }
  }

  void ldcString(String s) {
    ldc(cp.string(s));
  }

  private void ldc(int index) {
    if (index <= 0xff) {
      u1(LDC);
      u1(index);
    } else {
      u1(LDC_W);
      u2(index);
    }
  }

  void invokestatic(String owner, String name, String descriptor) {
    u1(INVOKESTATIC);
    u2(cp.methodRef(owner, name, descriptor));
  }

  void invokevirtual(String owner, String name, String descriptor) {
    u1(INVOKEVIRTUAL);
    u2(cp.methodRef(owner, name, descriptor));
  }

  void invokespecial(String owner, String name, String descriptor) {
    u1(INVOKESPECIAL);
    u2(cp.methodRef(owner, name, descriptor));
  }

  /** {@code argSlots}: the operand-stack slots of the arguments, receiver included. */
  void invokeinterface(String owner, String name, String descriptor, int argSlots) {
    u1(INVOKEINTERFACE);
    u2(cp.interfaceMethodRef(owner, name, descriptor));
    u1(argSlots);
    u1(0);
  }

  void getfield(String owner, String name, String descriptor) {
    u1(GETFIELD);
    u2(cp.fieldRef(owner, name, descriptor));
  }

  void putfield(String owner, String name, String descriptor) {
    u1(PUTFIELD);
    u2(cp.fieldRef(owner, name, descriptor));
  }

  void newLongArray() {
    u1(NEWARRAY);
    u1(T_LONG);
  }

  /** A {@code goto} or conditional branch ({@code ifeq..if_acmpne}, {@code ifnull/ifnonnull}). */
  void jump(int opcode, Label target) {
    if (wideJumps) {
      if (opcode != GOTO) {
        u1(inverse(opcode));
        u2(8); // over this 3-byte branch and the 5-byte goto_w
      }
      int start = length;
      u1(GOTO_W);
      fixups.add(new Fixup(target, start, length, true));
      u4(0);
    } else {
      int start = length;
      u1(opcode);
      fixups.add(new Fixup(target, start, length, false));
      u2(0);
    }
  }

  private static int inverse(int opcode) {
    if (opcode == IFNULL || opcode == IFNONNULL) {
      return opcode ^ 1;
    }
    if (opcode < IFEQ || opcode > 0xa6) {
      throw new IllegalArgumentException("not a conditional branch: " + opcode);
    }
    return ((opcode - IFEQ) ^ 1) + IFEQ;
  }

  void mark(Label label) {
    if (label.pos >= 0) {
      throw new IllegalStateException("label bound twice");
    }
    label.pos = length;
  }

  int length() {
    return length;
  }

  /** The finished code with every branch resolved. */
  byte[] finish() {
    for (Fixup f : fixups) {
      if (f.target().pos < 0) {
        throw new IllegalStateException("unbound label");
      }
      int offset = f.target().pos - f.insnStart();
      if (f.wide()) {
        put(f.patchAt(), offset >>> 24);
        put(f.patchAt() + 1, offset >>> 16);
        put(f.patchAt() + 2, offset >>> 8);
        put(f.patchAt() + 3, offset);
      } else {
        if (offset < Short.MIN_VALUE || offset > Short.MAX_VALUE) {
          throw new BranchOverflow();
        }
        put(f.patchAt(), offset >>> 8);
        put(f.patchAt() + 1, offset);
      }
    }
    if (length > 0xffff) {
      throw new JitLimitException("method of " + length + " bytes exceeds the JVM's 64 KB limit");
    }
    return Arrays.copyOf(code, length);
  }

  private void put(int at, int b) {
    code[at] = (byte) b;
  }

  void u1(int b) {
    if (length == code.length) {
      code = Arrays.copyOf(code, code.length * 2);
    }
    code[length++] = (byte) b;
  }

  void u2(int v) {
    u1(v >>> 8);
    u1(v);
  }

  void u4(int v) {
    u2(v >>> 16);
    u2(v);
  }
}
