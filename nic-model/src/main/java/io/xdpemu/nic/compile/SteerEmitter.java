package io.xdpemu.nic.compile;

import static io.xdpemu.nic.compile.Asm.RESULT_DESC;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.FlowMarkRule;
import io.xdpemu.nic.firmware.Layout;
import io.xdpemu.nic.firmware.RssConfig;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * {@code void steer(byte[] p, int off, int len, ParseResult r, byte[] scratch)}: one frame's steer
 * stage as one method - the parse graph ({@link ParseGraphEmitter}), noting the stack's facts as
 * headers are pushed ({@link StackFacts}), then the classification ({@link ClassifyEmitter}). The
 * same outputs as {@code PacketParser.parse} then {@code Classifier.classify}.
 */
final class SteerEmitter {
  private SteerEmitter() {}

  /**
   * @param own internal name of the class being written
   * @param self internal name of its superclass (CompiledFirmware: the helpers' home)
   */
  static void emit(ClassVisitor cv, Firmware fw, String own, String self) {
    MethodVisitor method = cv.visitMethod(0, "steer", "([BII" + RESULT_DESC + "[B)V", null, null);
    method.visitCode();
    SteerLocals locals = new SteerLocals(fw.headers().size(), ParseGraphEmitter.maxKeys(fw));
    boolean[] first0Used = firstAtLevel0Used(fw);
    boolean[] index0Used = ClassifyEmitter.indexAtLevel0Used(fw);
    boolean[] indexAnyUsed = PtypeEmitter.indexAnyUsed(fw);
    FactSlots mv = factSlots(method, locals, first0Used, index0Used, indexAnyUsed);
    mv.loadArray(SteerLocals.R);
    Label classify = new Label();
    ChecksumEmitter checksums = new ChecksumEmitter(fw, mv);
    StackFacts facts = new StackFacts(mv, locals, first0Used, index0Used, indexAnyUsed, checksums);
    new ParseGraphEmitter(fw, mv, locals, facts, classify).emit();
    mv.visitLabel(classify);
    RssEmitter rss = new RssEmitter(own, self);
    new ClassifyEmitter(fw, mv, locals, rss, checksums, self).emit();
    mv.visitMaxs(0, 0);
    mv.visitEnd();
    rss.emitMethods(cv);
    PtypeEmitter.emit(cv, fw);
  }

  /**
   * The facts noted during the parse and read after it go to an array, not locals ({@link
   * FactSlots}: why); the parser's own state (cursor, count, level, latest offsets for the select
   * keys, header types seen) stays in locals.
   */
  private static FactSlots factSlots(
      MethodVisitor method,
      SteerLocals locals,
      boolean[] first0Used,
      boolean[] index0Used,
      boolean[] indexAnyUsed) {
    FactSlots mv = new FactSlots(method, locals.factLocalsEnd(), SteerLocals.FACTS);
    for (int local : SteerLocals.FACT_SCALARS) {
      mv.keep(local);
    }
    for (int h = 0; h < locals.headerTypes; h++) {
      if (first0Used[h]) {
        mv.keep(locals.first0(h));
      }
      if (index0Used[h]) {
        mv.keep(locals.firstIndex0(h));
        mv.keep(locals.lastIndex0(h));
      }
      if (indexAnyUsed[h]) {
        mv.keep(locals.firstIndexAny(h));
        mv.keep(locals.lastIndexAny(h));
      }
    }
    return mv;
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
