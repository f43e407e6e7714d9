package io.xdpemu.nic.compile;

import static io.xdpemu.nic.compile.Asm.RESULT;
import static io.xdpemu.nic.compile.Asm.RESULT_DESC;
import static io.xdpemu.nic.compile.Asm.push;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.Layout;
import io.xdpemu.nic.firmware.PtypeRule;
import io.xdpemu.nic.firmware.RssConfig;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The rules that match the header stack, as code: {@code void ptype(ParseResult r)} (the
 * packet-type TCAM, first rule wins) and {@code void rss(byte[] p, int off, ParseResult r)} (first
 * traffic class whose headers are present, then the Toeplitz hash of its fields read straight from
 * the frame, table position by position). Semantics are {@link io.xdpemu.nic.parse.Classifier}'s:
 * an in-order (not necessarily adjacent) match, exact rules matching the whole stack.
 */
final class RuleEmitter implements Opcodes {
  private final MethodVisitor mv;
  private final int count;
  private final int type;
  private final int levels;
  private final int i;
  private final int t;
  private final int lv;

  private RuleEmitter(MethodVisitor mv, int firstLocal) {
    this.mv = mv;
    count = firstLocal;
    type = firstLocal + 1;
    levels = firstLocal + 2;
    i = firstLocal + 3;
    t = firstLocal + 4;
    lv = firstLocal + 5;
  }

  /** Loads count, type[] and level[] of {@code r} into locals; zeroes the scratch locals. */
  private void prologue(int r) {
    mv.visitVarInsn(ALOAD, r);
    mv.visitFieldInsn(GETFIELD, RESULT, "count", "I");
    mv.visitVarInsn(ISTORE, count);
    mv.visitVarInsn(ALOAD, r);
    mv.visitFieldInsn(GETFIELD, RESULT, "type", "[I");
    mv.visitVarInsn(ASTORE, type);
    mv.visitVarInsn(ALOAD, r);
    mv.visitFieldInsn(GETFIELD, RESULT, "level", "[I");
    mv.visitVarInsn(ASTORE, levels);
    for (int local : new int[] {i, t, lv}) {
      push(mv, 0);
      mv.visitVarInsn(ISTORE, local);
    }
  }

  /**
   * Falls through when {@code headers} occur in the stack in order (at tunnel level {@code
   * lvlLocal} when it is not -1), jumps to {@code fail} otherwise. The first occurrence is taken
   * for each header in turn, which decides an in-order match as the reference's loop does.
   */
  private void inOrder(int[] headers, int lvlLocal, Label fail) {
    push(mv, 0);
    mv.visitVarInsn(ISTORE, i);
    for (int h : headers) {
      Label scan = new Label();
      mv.visitLabel(scan);
      mv.visitVarInsn(ILOAD, i);
      mv.visitVarInsn(ILOAD, count);
      mv.visitJumpInsn(IF_ICMPGE, fail);
      if (lvlLocal >= 0) {
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
      if (lvlLocal >= 0) {
        mv.visitVarInsn(ILOAD, lv);
        mv.visitVarInsn(ILOAD, lvlLocal);
        mv.visitJumpInsn(IF_ICMPNE, scan);
      }
      mv.visitVarInsn(ILOAD, t);
      push(mv, h);
      mv.visitJumpInsn(IF_ICMPNE, scan);
    }
  }

  /** Falls through when the stack is exactly {@code headers}. */
  private void exactly(int[] headers, Label fail) {
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

  static void emitPtype(ClassVisitor cv, Firmware fw) {
    MethodVisitor mv = cv.visitMethod(0, "ptype", "(" + RESULT_DESC + ")V", null, null);
    mv.visitCode();
    final int r = 1;
    RuleEmitter e = new RuleEmitter(mv, 2);
    e.prologue(r);
    for (int k = 0; k < fw.ptypes().size(); k++) {
      PtypeRule rule = fw.ptypes().get(k);
      Label fail = new Label();
      if (rule.exact()) {
        e.exactly(rule.headers(), fail);
      } else {
        e.inOrder(rule.headers(), -1, fail);
      }
      setPtype(mv, r, rule.ptype(), k);
      mv.visitLabel(fail);
    }
    setPtype(mv, r, fw.defaultPtype(), -1);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
  }

  private static void setPtype(MethodVisitor mv, int r, long ptype, int rule) {
    mv.visitVarInsn(ALOAD, r);
    push(mv, ptype);
    mv.visitFieldInsn(PUTFIELD, RESULT, "ptype", "J");
    mv.visitVarInsn(ALOAD, r);
    push(mv, rule);
    mv.visitFieldInsn(PUTFIELD, RESULT, "ptypeRule", "I");
    mv.visitInsn(RETURN);
  }

  static void emitRss(ClassVisitor cv, Firmware fw, String self) {
    MethodVisitor mv = cv.visitMethod(0, "rss", "([BI" + RESULT_DESC + ")V", null, null);
    mv.visitCode();
    final int p = 1;
    final int off = 2;
    final int r = 3;
    final int lvl = 4;
    final int hash = 5;
    final int idx = 6;
    final int base = 7;
    final int table = 8;
    setRss(mv, r, 0, 0, -1, false);
    RssConfig rss = fw.rss();
    if (rss == null) {
      mv.visitInsn(RETURN);
      mv.visitMaxs(0, 0);
      mv.visitEnd();
      return;
    }
    RuleEmitter e = new RuleEmitter(mv, 9);
    e.prologue(r);
    if (rss.inner()) {
      mv.visitVarInsn(ALOAD, r);
      mv.visitMethodInsn(INVOKEVIRTUAL, RESULT, "maxLevel", "()I", false);
    } else {
      push(mv, 0);
    }
    mv.visitVarInsn(ISTORE, lvl);
    mv.visitVarInsn(ALOAD, 0);
    mv.visitFieldInsn(GETFIELD, self, "rssTable", "[I");
    mv.visitVarInsn(ASTORE, table);
    for (int local : new int[] {hash, idx, base}) {
      push(mv, 0);
      mv.visitVarInsn(ISTORE, local);
    }
    for (int c = 0; c < rss.classes().size(); c++) {
      RssConfig.TrafficClass tc = rss.classes().get(c);
      Label fail = new Label();
      e.inOrder(tc.match(), lvl, fail);
      push(mv, 0);
      mv.visitVarInsn(ISTORE, hash);
      int n = 0;
      for (Layout.FieldRef f : tc.fields()) {
        // idx = r.first(header, lvl); absent -> next class
        mv.visitVarInsn(ALOAD, r);
        push(mv, f.header());
        mv.visitVarInsn(ILOAD, lvl);
        mv.visitMethodInsn(INVOKEVIRTUAL, RESULT, "first", "(II)I", false);
        mv.visitVarInsn(ISTORE, idx);
        mv.visitVarInsn(ILOAD, idx);
        mv.visitJumpInsn(IFLT, fail);
        // base = off + r.offset[idx] + bitOffset / 8
        mv.visitVarInsn(ILOAD, off);
        mv.visitVarInsn(ALOAD, r);
        mv.visitFieldInsn(GETFIELD, RESULT, "offset", "[I");
        mv.visitVarInsn(ILOAD, idx);
        mv.visitInsn(IALOAD);
        mv.visitInsn(IADD);
        push(mv, f.bitOffset() / 8);
        mv.visitInsn(IADD);
        mv.visitVarInsn(ISTORE, base);
        int bytes = f.width() / 8;
        for (int b = 0; b < bytes; b++) {
          // hash ^= table[(n + b) * 256 + (p[base + b] & 0xff)]
          mv.visitVarInsn(ILOAD, hash);
          mv.visitVarInsn(ALOAD, table);
          push(mv, (n + b) * 256);
          mv.visitVarInsn(ALOAD, p);
          mv.visitVarInsn(ILOAD, base);
          if (b != 0) {
            push(mv, b);
            mv.visitInsn(IADD);
          }
          mv.visitInsn(BALOAD);
          push(mv, 0xff);
          mv.visitInsn(IAND);
          mv.visitInsn(IADD);
          mv.visitInsn(IALOAD);
          mv.visitInsn(IXOR);
          mv.visitVarInsn(ISTORE, hash);
        }
        n += bytes;
      }
      mv.visitVarInsn(ALOAD, r);
      mv.visitVarInsn(ILOAD, hash);
      mv.visitFieldInsn(PUTFIELD, RESULT, "rssHash", "I");
      setRss(mv, r, -1, tc.hashType().value(), c, true);
      mv.visitLabel(fail);
    }
    mv.visitInsn(RETURN);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
  }

  /** r.rssHash = hash (unless -1: already stored), rssHashType, rssClass; then return if asked. */
  private static void setRss(
      MethodVisitor mv, int r, int hash, int hashType, int rssClass, boolean ret) {
    if (hash != -1) {
      mv.visitVarInsn(ALOAD, r);
      push(mv, hash);
      mv.visitFieldInsn(PUTFIELD, RESULT, "rssHash", "I");
    }
    mv.visitVarInsn(ALOAD, r);
    push(mv, hashType);
    mv.visitFieldInsn(PUTFIELD, RESULT, "rssHashType", "I");
    mv.visitVarInsn(ALOAD, r);
    push(mv, rssClass);
    mv.visitFieldInsn(PUTFIELD, RESULT, "rssClass", "I");
    if (ret) {
      mv.visitInsn(RETURN);
    }
  }
}
