package io.xdpemu.nic.compile;

import static io.xdpemu.nic.compile.Asm.push;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Code that matches a rule's header list against the parsed stack (packet-type rules, RSS traffic
 * classes), over the locals of the method it is emitted into.
 */
final class StackMatch implements Opcodes {
  private final MethodVisitor mv;
  private final int count;
  private final int type;
  private final int levels;
  private final int i;
  private final int t;
  private final int lv;
  private final int lvl;
  private final int seen;

  /**
   * Locals: header count, type[] and level[] of the stack, three int scratch locals, the tunnel
   * level to match at, and the long mask of header types seen.
   */
  StackMatch(
      MethodVisitor mv, int count, int type, int levels, int i, int t, int lv, int lvl, int seen) {
    this.mv = mv;
    this.count = count;
    this.type = type;
    this.levels = levels;
    this.i = i;
    this.t = t;
    this.lv = lv;
    this.lvl = lvl;
    this.seen = seen;
  }

  /** Jumps to {@code fail} unless every header type in {@code headers} (< 64) was seen. */
  void seenAll(int[] headers, Label fail) {
    long mask = 0;
    for (int h : headers) {
      if (h < 64) {
        mask |= 1L << h;
      }
    }
    if (mask == 0) {
      return;
    }
    mv.visitVarInsn(LLOAD, seen);
    push(mv, mask);
    mv.visitInsn(LAND);
    push(mv, mask);
    mv.visitInsn(LCMP);
    mv.visitJumpInsn(IFNE, fail);
  }

  /**
   * Falls through when {@code headers} occur in the stack in order (at tunnel level {@code lvl}
   * when {@code atLevel}), jumps to {@code fail} otherwise. Taking the first occurrence of each
   * header in turn decides an in-order match as the reference's loop does.
   */
  void inOrder(int[] headers, boolean atLevel, Label fail) {
    push(mv, 0);
    mv.visitVarInsn(ISTORE, i);
    for (int h : headers) {
      Label scan = new Label();
      mv.visitLabel(scan);
      mv.visitVarInsn(ILOAD, i);
      mv.visitVarInsn(ILOAD, count);
      mv.visitJumpInsn(IF_ICMPGE, fail);
      if (atLevel) {
        mv.visitVarInsn(ALOAD, levels);
        mv.visitVarInsn(ILOAD, i);
        mv.visitInsn(IALOAD);
        mv.visitVarInsn(ISTORE, lv);
      }
      mv.visitVarInsn(ALOAD, type);
      mv.visitVarInsn(ILOAD, i);
      mv.visitInsn(IALOAD);
      mv.visitVarInsn(ISTORE, t);
      mv.visitIincInsn(i, 1);
      if (atLevel) {
        mv.visitVarInsn(ILOAD, lv);
        mv.visitVarInsn(ILOAD, lvl);
        mv.visitJumpInsn(IF_ICMPNE, scan);
      }
      mv.visitVarInsn(ILOAD, t);
      push(mv, h);
      mv.visitJumpInsn(IF_ICMPNE, scan);
    }
  }

  /** Falls through when the stack is exactly {@code headers}. */
  void exactly(int[] headers, Label fail) {
    mv.visitVarInsn(ILOAD, count);
    push(mv, headers.length);
    mv.visitJumpInsn(IF_ICMPNE, fail);
    for (int k = 0; k < headers.length; k++) {
      mv.visitVarInsn(ALOAD, type);
      push(mv, k);
      mv.visitInsn(IALOAD);
      push(mv, headers[k]);
      mv.visitJumpInsn(IF_ICMPNE, fail);
    }
  }
}
