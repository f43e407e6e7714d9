package io.xdpemu.nic.compile;

import static io.xdpemu.nic.compile.Asm.RESULT;
import static io.xdpemu.nic.compile.Asm.RESULT_DESC;
import static io.xdpemu.nic.compile.Asm.push;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.PtypeRule;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * {@code void ptype(ParseResult r, long seen)}: the packet-type TCAM as code, first rule wins, as
 * {@link io.xdpemu.nic.parse.Classifier} decides it ({@code seen}: the header types extracted); or,
 * for a firmware whose rules are all one or two headers, the same decision inline in steer from
 * stack indices noted at push time ({@link #emitByIndex}).
 */
final class PtypeEmitter implements Opcodes {
  private static final int R = 1;
  private static final int SEEN = 2; // long
  private static final int COUNT = 4;
  private static final int TYPE = 5;
  private static final int LEVELS = 6;
  private static final int I = 7;
  private static final int T = 8;
  private static final int LV = 9;
  private static final int LVL = 10;

  private PtypeEmitter() {}

  static void emit(ClassVisitor cv, Firmware fw) {
    MethodVisitor mv = cv.visitMethod(0, "ptype", "(" + RESULT_DESC + "J)V", null, null);
    mv.visitCode();
    mv.visitVarInsn(ALOAD, R);
    mv.visitFieldInsn(GETFIELD, RESULT, "count", "I");
    mv.visitVarInsn(ISTORE, COUNT);
    mv.visitVarInsn(ALOAD, R);
    mv.visitFieldInsn(GETFIELD, RESULT, "type", "[I");
    mv.visitVarInsn(ASTORE, TYPE);
    mv.visitVarInsn(ALOAD, R);
    mv.visitFieldInsn(GETFIELD, RESULT, "level", "[I");
    mv.visitVarInsn(ASTORE, LEVELS);
    for (int local : new int[] {I, T, LV, LVL}) {
      push(mv, 0);
      mv.visitVarInsn(ISTORE, local);
    }
    StackMatch match = new StackMatch(mv, COUNT, TYPE, LEVELS, I, T, LV, LVL, SEEN);
    for (int k = 0; k < fw.ptypes().size(); k++) {
      PtypeRule rule = fw.ptypes().get(k);
      Asm.line(mv, 3000 + k);
      Label fail = new Label();
      if (rule.exact()) {
        match.exactly(rule.headers(), fail);
      } else {
        match.seenAll(rule.headers(), fail);
        match.inOrder(rule.headers(), false, fail);
      }
      set(mv, rule.ptype(), k);
      mv.visitLabel(fail);
    }
    set(mv, fw.defaultPtype(), -1);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
  }

  /**
   * Whether every rule is one or two headers, not exact (every shipped firmware's): then the rules
   * are decided in steer from the stack indices noted at push time - [A] when A is there, [A, B]
   * when the first A comes before the last B, exactly when the reference's in-order scan finds them
   * - without the scans, whose trip counts vary with the frame.
   */
  static boolean byIndex(Firmware fw) {
    for (PtypeRule rule : fw.ptypes()) {
      if (rule.exact() || rule.headers().length < 1 || rule.headers().length > 2) {
        return false;
      }
    }
    return true;
  }

  /** The header types whose first and last stack index (any level) {@link #emitByIndex} reads. */
  static boolean[] indexAnyUsed(Firmware fw) {
    boolean[] used = new boolean[fw.headers().size()];
    if (byIndex(fw)) {
      for (PtypeRule rule : fw.ptypes()) {
        for (int h : rule.headers()) {
          used[h] = true;
        }
      }
    }
    return used;
  }

  /** In steer, when {@link #byIndex}: the first matching rule's ptype, else the default. */
  static void emitByIndex(MethodVisitor mv, Firmware fw, SteerLocals locals) {
    Label done = new Label();
    for (int k = 0; k < fw.ptypes().size(); k++) {
      PtypeRule rule = fw.ptypes().get(k);
      Asm.line(mv, 3000 + k);
      Label fail = new Label();
      int[] h = rule.headers();
      mv.visitVarInsn(ILOAD, locals.firstIndexAny(h[0]));
      mv.visitJumpInsn(IFLT, fail);
      if (h.length == 2) {
        mv.visitVarInsn(ILOAD, locals.firstIndexAny(h[0]));
        mv.visitVarInsn(ILOAD, locals.lastIndexAny(h[1]));
        mv.visitJumpInsn(IF_ICMPGE, fail); // no B after the first A (-1 when no B at all)
      }
      store(mv, SteerLocals.R, rule.ptype(), k);
      mv.visitJumpInsn(GOTO, done);
      mv.visitLabel(fail);
    }
    store(mv, SteerLocals.R, fw.defaultPtype(), -1);
    mv.visitLabel(done);
  }

  /** result.ptype = ptype; result.ptypeRule = rule (the result in local {@code r}). */
  private static void store(MethodVisitor mv, int r, long ptype, int rule) {
    mv.visitVarInsn(ALOAD, r);
    push(mv, ptype);
    mv.visitFieldInsn(PUTFIELD, RESULT, "ptype", "J");
    mv.visitVarInsn(ALOAD, r);
    push(mv, rule);
    mv.visitFieldInsn(PUTFIELD, RESULT, "ptypeRule", "I");
  }

  /** r.ptype = ptype; r.ptypeRule = rule; return */
  private static void set(MethodVisitor mv, long ptype, int rule) {
    store(mv, R, ptype, rule);
    mv.visitInsn(RETURN);
  }
}
