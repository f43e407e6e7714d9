package io.xdpemu.nic.compile;

import static io.xdpemu.nic.compile.Asm.RESULT_DESC;
import static io.xdpemu.nic.compile.SteerLocals.P;
import static io.xdpemu.nic.compile.SteerLocals.R;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.FlowMarkRule;
import io.xdpemu.nic.firmware.Layout;
import io.xdpemu.nic.firmware.RssConfig;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * {@code void steer(byte[] p, int off, int len, ParseResult r, byte[] scratch)}: one frame's steer
 * stage - the parse graph ({@link ParseGraphEmitter}), noting the stack's facts as headers are
 * pushed ({@link StackFacts}), then the classification ({@link ClassifyEmitter}) in a method of its
 * own, {@code classify}, given the facts it reads as arguments. Two methods, not one: C1 gives up
 * on a method this size with this many values live ("out of virtual registers in linear scan"), and
 * the steer would run in the interpreter until C2 compiles it; {@code
 * GeneratedCodeCompilesAtEveryTierTest} checks every shipped firmware compiles at each tier. The
 * same outputs as {@code PacketParser.parse} then {@code Classifier.classify}.
 */
final class SteerEmitter implements org.objectweb.asm.Opcodes {
  private SteerEmitter() {}

  /**
   * @param own internal name of the class being written
   * @param self internal name of its superclass (CompiledFirmware: the helpers' home)
   */
  static void emit(ClassVisitor cv, Firmware fw, String own, String self) {
    MethodVisitor mv = cv.visitMethod(0, "steer", STEER_DESC, null, null);
    mv.visitCode();
    SteerLocals locals = new SteerLocals(fw.headers().size(), ParseGraphEmitter.maxKeys(fw));
    Label classify = new Label();
    RuleBits ptypes = PtypeEmitter.bits(fw);
    RuleBits classes = ClassifyEmitter.classBits(fw);
    boolean[] first0 = firstAtLevel0Used(fw);
    StackFacts facts =
        new StackFacts(mv, locals, first0, ptypes, classes, new ChecksumEmitter(fw, mv));
    new ParseGraphEmitter(fw, mv, locals, facts, classify).emit();
    mv.visitLabel(classify);
    ClassifyEmitter.storeOffsets(mv);
    int[] passed = passed(locals, first0);
    String classifyDesc = classifyDescriptor(passed);
    mv.visitVarInsn(ALOAD, 0);
    for (int slot = 1; slot <= SCRATCH; slot++) {
      mv.visitVarInsn(slot == P || slot == R || slot == SCRATCH ? ALOAD : ILOAD, slot);
    }
    for (int local : passed) {
      mv.visitVarInsn(isLong(local) ? LLOAD : ILOAD, local);
    }
    mv.visitMethodInsn(INVOKEVIRTUAL, own, "classify", classifyDesc, false);
    mv.visitInsn(RETURN);
    mv.visitMaxs(0, 0);
    mv.visitEnd();

    MethodVisitor tail = cv.visitMethod(ACC_PRIVATE, "classify", classifyDesc, null, null);
    tail.visitCode();
    classifyPrologue(tail, passed);
    RssEmitter rss = new RssEmitter(own, self);
    new ClassifyEmitter(fw, tail, locals, rss, new ChecksumEmitter(fw, tail), ptypes, classes, self)
        .emit();
    tail.visitMaxs(0, 0);
    tail.visitEnd();
    rss.emitMethods(cv);
    PtypeEmitter.emit(cv, fw);
  }

  private static final String STEER_DESC = "([BII" + RESULT_DESC + "[B)V";
  private static final int SCRATCH = 5;

  /** The facts of the parse the classifier reads: the steer's locals passed to classify. */
  private static int[] passed(SteerLocals locals, boolean[] first0) {
    java.util.List<Integer> l =
        new java.util.ArrayList<>(
            java.util.List.of(
                SteerLocals.PTYPE_BITS,
                SteerLocals.RSS_BITS,
                SteerLocals.SEEN,
                SteerLocals.MAX_LEVEL,
                SteerLocals.COUNT,
                SteerLocals.CS_L3,
                SteerLocals.CS_IP,
                SteerLocals.CS_L4));
    for (int h = 0; h < first0.length; h++) {
      if (first0[h]) {
        l.add(locals.first0(h));
      }
    }
    return l.stream().mapToInt(Integer::intValue).toArray();
  }

  private static boolean isLong(int local) {
    return local == SteerLocals.PTYPE_BITS
        || local == SteerLocals.RSS_BITS
        || local == SteerLocals.SEEN;
  }

  /**
   * {@code void classify(p, off, len, r, scratch, <passed>)}: steer's parameters, then the facts,
   * each long or int.
   */
  private static String classifyDescriptor(int[] passed) {
    StringBuilder d = new StringBuilder("([BII" + RESULT_DESC + "[B");
    for (int local : passed) {
      d.append(isLong(local) ? 'J' : 'I');
    }
    return d.append(")V").toString();
  }

  /**
   * The facts from the parameters into the same local slots steer used (all loaded, then stored
   * last first: a parameter's slot may be another fact's home), the stack arrays from r, and the
   * classifier's scratch locals zeroed, so that {@link ClassifyEmitter} writes the same code as in
   * steer.
   */
  private static void classifyPrologue(MethodVisitor mv, int[] passed) {
    int slot = SCRATCH + 1;
    for (int local : passed) {
      mv.visitVarInsn(isLong(local) ? LLOAD : ILOAD, slot);
      slot += isLong(local) ? 2 : 1;
    }
    for (int i = passed.length - 1; i >= 0; i--) {
      mv.visitVarInsn(isLong(passed[i]) ? LSTORE : ISTORE, passed[i]);
    }
    String[] arrays = {"type", "offset", "length", "level"};
    int[] arrayLocals = {
      SteerLocals.TYPE, SteerLocals.OFFSET, SteerLocals.LENGTH, SteerLocals.LEVELS
    };
    for (int i = 0; i < arrays.length; i++) {
      mv.visitVarInsn(ALOAD, R);
      mv.visitFieldInsn(GETFIELD, Asm.RESULT, arrays[i], "[I");
      mv.visitVarInsn(ASTORE, arrayLocals[i]);
    }
    int[] zero = {
      SteerLocals.I,
      SteerLocals.T,
      SteerLocals.LV,
      SteerLocals.LVL,
      SteerLocals.HASH,
      SteerLocals.IDX,
      SteerLocals.BASE
    };
    for (int local : zero) {
      Asm.push(mv, 0);
      mv.visitVarInsn(ISTORE, local);
    }
    Asm.push(mv, 0L);
    mv.visitVarInsn(LSTORE, SteerLocals.V);
  }

  /** Header types whose first offset at level 0 the classifier reads: RSS fields, flow marks. */
  private static boolean[] firstAtLevel0Used(Firmware fw) {
    boolean[] used = new boolean[fw.headers().size()];
    if (fw.rss() != null && !fw.rss().inner()) {
      for (RssConfig.TrafficClass tc : fw.rss().classes()) {
        for (Layout.FieldRef f : tc.fields()) {
          used[f.header()] = true;
        }
      }
    }
    for (FlowMarkRule m : fw.flowMarks()) {
      for (Layout.FieldRef f : m.fields()) {
        used[f.header()] = true;
      }
    }
    return used;
  }
}
