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
    MethodVisitor mv = cv.visitMethod(0, "steer", "([BII" + RESULT_DESC + "[B)V", null, null);
    mv.visitCode();
    SteerLocals locals = new SteerLocals(fw.headers().size(), ParseGraphEmitter.maxKeys(fw));
    Label classify = new Label();
    ChecksumEmitter checksums = new ChecksumEmitter(fw, mv);
    StackFacts facts =
        new StackFacts(
            mv,
            locals,
            firstAtLevel0Used(fw),
            ClassifyEmitter.indexAtLevel0Used(fw),
            PtypeEmitter.indexAnyUsed(fw),
            checksums);
    new ParseGraphEmitter(fw, mv, locals, facts, classify).emit();
    mv.visitLabel(classify);
    RssEmitter rss = new RssEmitter(own, self);
    new ClassifyEmitter(fw, mv, locals, rss, checksums, self).emit();
    mv.visitMaxs(0, 0);
    mv.visitEnd();
    rss.emitMethods(cv);
    PtypeEmitter.emit(cv, fw);
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
