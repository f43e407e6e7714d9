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
 * bits set as headers are pushed ({@link #emitByIndex}, {@link RuleBits}).
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
   * are decided as headers are pushed ({@link RuleBits}) and the first that matched is found with
   * one count of trailing zeros, without the scans, whose trip counts vary with the frame.
   */
  static boolean byIndex(Firmware fw) {
    for (int k = 0; k < fw.ptypes().size(); k++) {
      PtypeRule rule = fw.ptypes().get(k);
      if (rule.exact() || !RuleBits.fits(rule.headers(), k)) {
        return false;
      }
    }
    return true;
  }

  /** The packet-type rules as bits when {@link #byIndex}, else none. */
  static RuleBits bits(Firmware fw) {
    int[][] rules = new int[fw.ptypes().size()][];
    if (byIndex(fw)) {
      for (int k = 0; k < rules.length; k++) {
        rules[k] = fw.ptypes().get(k).headers();
      }
    }
    return new RuleBits(SteerLocals.PTYPE_BITS, SteerLocals.SEEN, rules);
  }

  private static final String PTYPES = "PTYPES";
  private static final String PTYPE_RULES = "PTYPE_RULES";

  /**
   * The packet type and rule index by first matching rule, index 64 (no rule: {@code
   * Long.numberOfTrailingZeros(0)}) the default: static final arrays of the class, so the lookup is
   * two loads, where a switch on the rule is an indirect jump that mispredicts on mixed traffic.
   */
  static void tableFields(ClassVisitor cv) {
    cv.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, PTYPES, "[J", null, null).visitEnd();
    cv.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, PTYPE_RULES, "[I", null, null).visitEnd();
  }

  /** In the class initializer: the two tables of {@link #tableFields}. */
  static void initTables(MethodVisitor mv, Firmware fw, String own) {
    int n = byIndex(fw) ? fw.ptypes().size() : 0;
    push(mv, 65);
    mv.visitIntInsn(NEWARRAY, T_LONG);
    push(mv, 65);
    mv.visitIntInsn(NEWARRAY, T_INT);
    for (int k = 0; k <= 64; k++) {
      boolean rule = k < n;
      long ptype = rule ? fw.ptypes().get(k).ptype() : fw.defaultPtype();
      mv.visitInsn(DUP2); // longs, ints
      push(mv, k);
      push(mv, rule ? k : -1);
      mv.visitInsn(IASTORE); // longs
      push(mv, k);
      push(mv, ptype);
      mv.visitInsn(LASTORE);
    }
    mv.visitFieldInsn(PUTSTATIC, own, PTYPE_RULES, "[I");
    mv.visitFieldInsn(PUTSTATIC, own, PTYPES, "[J");
  }

  /** In steer, when {@link #byIndex}: the first matching rule's ptype, else the default. */
  static void emitByIndex(MethodVisitor mv, String own, RuleBits bits) {
    bits.first(mv); // 0..63, or 64 when no rule matched
    mv.visitVarInsn(ISTORE, SteerLocals.IDX);
    mv.visitVarInsn(ALOAD, SteerLocals.R);
    mv.visitFieldInsn(GETSTATIC, own, PTYPES, "[J");
    mv.visitVarInsn(ILOAD, SteerLocals.IDX);
    mv.visitInsn(LALOAD);
    mv.visitFieldInsn(PUTFIELD, RESULT, "ptype", "J");
    mv.visitVarInsn(ALOAD, SteerLocals.R);
    mv.visitFieldInsn(GETSTATIC, own, PTYPE_RULES, "[I");
    mv.visitVarInsn(ILOAD, SteerLocals.IDX);
    mv.visitInsn(IALOAD);
    mv.visitFieldInsn(PUTFIELD, RESULT, "ptypeRule", "I");
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
