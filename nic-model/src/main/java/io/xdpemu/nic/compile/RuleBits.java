package io.xdpemu.nic.compile;

import static io.xdpemu.nic.compile.Asm.push;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Rules of one or two headers (packet-type rules, RSS traffic classes) decided as the headers are
 * pushed, one bit per rule in a long local: rule k = [A] matches once an A is pushed; [A, B] once a
 * B is pushed after some A (the set of header types pushed before it has A), which is exactly when
 * the reference's in-order scan finds them (the first A before the last B). Branch-free, and one
 * local for all the rules where per-header stack indices took two each; a live set small enough for
 * C1 to allocate registers in the generated steer.
 */
final class RuleBits implements Opcodes {
  private final int local;
  private final int seenLocal;

  /** Header lists of the rules by bit, by rule index; null for a rule matched otherwise. */
  private final int[][] rules;

  /**
   * @param local the long local holding the rule bits
   * @param seenLocal the long local of header types pushed so far (the caller pushes at level 0
   *     only the rules that count there)
   * @param rules each rule's headers, null for a rule not decided here
   */
  RuleBits(int local, int seenLocal, int[][] rules) {
    this.local = local;
    this.seenLocal = seenLocal;
    this.rules = rules;
  }

  /** Whether a rule of these headers can be a bit: one or two header types below 64, rule < 64. */
  static boolean fits(int[] headers, int rule) {
    if (rule >= 64 || headers.length < 1 || headers.length > 2) {
      return false;
    }
    for (int h : headers) {
      if (h < 0 || h >= 64) {
        return false;
      }
    }
    return true;
  }

  boolean any() {
    for (int[] r : rules) {
      if (r != null) {
        return true;
      }
    }
    return false;
  }

  boolean byBit(int rule) {
    return rules[rule] != null;
  }

  /**
   * At the push of header type {@code h}, before {@code h} joins the seen set: the bits of the
   * rules whose last header is {@code h}.
   */
  void pushed(MethodVisitor mv, int h) {
    for (int k = 0; k < rules.length; k++) {
      int[] r = rules[k];
      if (r == null || r[r.length - 1] != h) {
        continue;
      }
      mv.visitVarInsn(LLOAD, local);
      if (r.length == 1) {
        push(mv, 1L << k);
      } else { // ((seen >>> A) & 1) << k
        mv.visitVarInsn(LLOAD, seenLocal);
        if (r[0] != 0) {
          push(mv, r[0]);
          mv.visitInsn(LUSHR);
        }
        push(mv, 1L);
        mv.visitInsn(LAND);
        if (k != 0) {
          push(mv, k);
          mv.visitInsn(LSHL);
        }
      }
      mv.visitInsn(LOR);
      mv.visitVarInsn(LSTORE, local);
    }
  }

  /** Falls through when rule {@code k} matched, else jumps to {@code fail}. */
  void test(MethodVisitor mv, int k, Label fail) {
    mv.visitVarInsn(LLOAD, local);
    push(mv, 1L << k);
    mv.visitInsn(LAND);
    push(mv, 0L);
    mv.visitInsn(LCMP);
    mv.visitJumpInsn(IFEQ, fail);
  }

  /** Pushes the index of the first rule that matched, 64 when none did. */
  void first(MethodVisitor mv) {
    mv.visitVarInsn(LLOAD, local);
    mv.visitMethodInsn(INVOKESTATIC, "java/lang/Long", "numberOfTrailingZeros", "(J)I", false);
  }
}
