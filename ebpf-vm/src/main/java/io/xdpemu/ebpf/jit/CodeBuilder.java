package io.xdpemu.ebpf.jit;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The bytecode of one method, written through an ASM {@link MethodVisitor}: a small vocabulary in
 * the JVM's own terms ({@code lload}, {@code iconst}, {@code jump}) so that the emitters read like
 * the bytecode they produce. ASM picks constant encodings, resolves branches (rewriting them with
 * {@code goto_w} when an offset exceeds 16 bits) and computes the stack map frames and limits.
 */
final class CodeBuilder {
  // The opcodes this JIT emits (JVMS chapter 6; the same numbers as org.objectweb.asm.Opcodes).
  static final int AALOAD = 0x32, LALOAD = 0x2f, LASTORE = 0x50, POP2 = 0x58;
  static final int IADD = 0x60, LADD = 0x61, ISUB = 0x64, LSUB = 0x65;
  static final int IMUL = 0x68, LMUL = 0x69, INEG = 0x74, LNEG = 0x75, LSHL = 0x79;
  static final int LSHR = 0x7b, LUSHR = 0x7d, IAND = 0x7e, LAND = 0x7f, IOR = 0x80, LOR = 0x81;
  static final int IXOR = 0x82, LXOR = 0x83, I2L = 0x85, L2I = 0x88, LCMP = 0x94;
  static final int IFEQ = 0x99, IFNE = 0x9a, IFLT = 0x9b, IFGE = 0x9c, IFGT = 0x9d, IFLE = 0x9e;
  static final int IF_ICMPEQ = 0x9f, IF_ICMPNE = 0xa0, IF_ICMPLT = 0xa1, IF_ICMPGE = 0xa2;
  static final int IF_ICMPGT = 0xa3, IF_ICMPLE = 0xa4, GOTO = 0xa7, LRETURN = 0xad;
  static final int RETURN = 0xb1, ATHROW = 0xbf, IFNULL = 0xc6, IFNONNULL = 0xc7;

  /** A position in the code, bound once with {@link #mark}. */
  static final class Label {
    final org.objectweb.asm.Label asm = new org.objectweb.asm.Label();
  }

  private final MethodVisitor mv;

  CodeBuilder(MethodVisitor mv) {
    this.mv = mv;
  }

  void op(int opcode) {
    mv.visitInsn(opcode);
  }

  void lload(int slot) {
    mv.visitVarInsn(Opcodes.LLOAD, slot);
  }

  void lstore(int slot) {
    mv.visitVarInsn(Opcodes.LSTORE, slot);
  }

  void iload(int slot) {
    mv.visitVarInsn(Opcodes.ILOAD, slot);
  }

  void istore(int slot) {
    mv.visitVarInsn(Opcodes.ISTORE, slot);
  }

  void aload(int slot) {
    mv.visitVarInsn(Opcodes.ALOAD, slot);
  }

  void astore(int slot) {
    mv.visitVarInsn(Opcodes.ASTORE, slot);
  }

  void lconst(long v) {
    if (v == 0 || v == 1) {
      mv.visitInsn(Opcodes.LCONST_0 + (int) v);
    } else {
      mv.visitLdcInsn(v);
    }
  }

  void iconst(int v) {
    if (v >= -1 && v <= 5) {
      mv.visitInsn(Opcodes.ICONST_0 + v);
    } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
      mv.visitIntInsn(Opcodes.BIPUSH, v);
    } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
      mv.visitIntInsn(Opcodes.SIPUSH, v);
    } else {
      mv.visitLdcInsn(v);
    }
  }

  void invokestatic(String owner, String name, String descriptor) {
    mv.visitMethodInsn(Opcodes.INVOKESTATIC, owner, name, descriptor, false);
  }

  void invokevirtual(String owner, String name, String descriptor) {
    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, owner, name, descriptor, false);
  }

  void invokespecial(String owner, String name, String descriptor) {
    mv.visitMethodInsn(Opcodes.INVOKESPECIAL, owner, name, descriptor, false);
  }

  void invokeinterface(String owner, String name, String descriptor) {
    mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, owner, name, descriptor, true);
  }

  void getfield(String owner, String name, String descriptor) {
    mv.visitFieldInsn(Opcodes.GETFIELD, owner, name, descriptor);
  }

  void putfield(String owner, String name, String descriptor) {
    mv.visitFieldInsn(Opcodes.PUTFIELD, owner, name, descriptor);
  }

  void checkcast(String internalName) {
    mv.visitTypeInsn(Opcodes.CHECKCAST, internalName);
  }

  void newLongArray() {
    mv.visitIntInsn(Opcodes.NEWARRAY, Opcodes.T_LONG);
  }

  /** A {@code goto} or conditional branch ({@code ifeq..if_acmpne}, {@code ifnull/ifnonnull}). */
  void jump(int opcode, Label target) {
    mv.visitJumpInsn(opcode, target.asm);
  }

  void mark(Label label) {
    mv.visitLabel(label.asm);
  }

  /** Ends the method; ASM computes max stack, max locals and the frames. */
  void finish() {
    mv.visitMaxs(0, 0);
    mv.visitEnd();
  }
}
