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
 * {@link io.xdpemu.nic.parse.Classifier} decides it ({@code seen}: the header types extracted).
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

  /** r.ptype = ptype; r.ptypeRule = rule; return */
  private static void set(MethodVisitor mv, long ptype, int rule) {
    mv.visitVarInsn(ALOAD, R);
    push(mv, ptype);
    mv.visitFieldInsn(PUTFIELD, RESULT, "ptype", "J");
    mv.visitVarInsn(ALOAD, R);
    push(mv, rule);
    mv.visitFieldInsn(PUTFIELD, RESULT, "ptypeRule", "I");
    mv.visitInsn(RETURN);
  }
}
