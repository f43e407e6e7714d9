package io.xdpemu.nic.compile;

import static io.xdpemu.nic.compile.Asm.RESULT_DESC;
import static io.xdpemu.nic.compile.SteerLocals.P;
import static io.xdpemu.nic.compile.SteerLocals.R;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.FlowMarkRule;
import io.xdpemu.nic.firmware.Layout;
import io.xdpemu.nic.firmware.ParseState;
import io.xdpemu.nic.firmware.RssConfig;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * {@code void steer(byte[] p, int off, int len, ParseResult r, byte[] scratch)}: one frame's steer
 * stage - the parse graph ({@link ParseGraphEmitter}), noting the stack's facts as headers are
 * pushed ({@link StackFacts}), then the classification ({@link ClassifyEmitter}) in a method of its
 * own, {@code classify}, given the facts it reads as arguments (inline in steer for a small graph
 * without tunnels). The graph itself is two methods when it has tunnels: steer parses level 0 and
 * steerInner the levels inside a tunnel ({@link ParseGraphEmitter.Part}). Not one method: C1 gives
 * up on a method this size with this many values live ("out of virtual registers in linear scan"),
 * and the steer would run in the interpreter until C2 compiles it; {@code
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
    SteerLocals locals = new SteerLocals(fw.headers().size(), ParseGraphEmitter.maxKeys(fw));
    RuleBits ptypes = PtypeEmitter.bits(fw);
    RuleBits classes = ClassifyEmitter.classBits(fw);
    boolean[] first0 = firstAtLevel0Used(fw);
    int[] passed = passed(locals, first0);
    String classifyDesc = descriptor(passed);
    boolean tunnels = fw.states().stream().anyMatch(ParseState::enterInner);
    int[] innerParams = innerParams(passed);
    String innerDesc = descriptor(innerParams);

    MethodVisitor mv = cv.visitMethod(0, "steer", STEER_DESC, null, null);
    mv.visitCode();
    Label done = new Label();
    Label tunnel = new Label();
    StackFacts facts =
        new StackFacts(
            mv,
            locals,
            first0,
            ptypes,
            classes,
            new ChecksumEmitter(fw, mv),
            ParseGraphEmitter.Part.OUTER);
    boolean inline = !tunnels && fw.states().size() <= INLINE_CLASSIFY_STATES;
    new ParseGraphEmitter(
            fw, mv, locals, facts, done, ParseGraphEmitter.Part.OUTER, tunnel, null, inline)
        .emit();
    mv.visitLabel(done);
    ClassifyEmitter.storeLevel0Offsets(mv);
    if (tunnels) { // else they stay -1, as the result was made (ParseResult)
      ClassifyEmitter.storeInnerOffsets(mv, true);
    }
    RssEmitter rss = new RssEmitter(own, self);
    if (inline) {
      classifyScratch(mv);
      new ClassifyEmitter(fw, mv, locals, rss, new ChecksumEmitter(fw, mv), ptypes, classes, self)
          .emit();
    } else {
      call(mv, own, "classify", passed, classifyDesc);
    }
    if (tunnels) {
      mv.visitLabel(tunnel);
      ClassifyEmitter.storeLevel0Offsets(mv);
      call(mv, own, "steerInner", innerParams, innerDesc);
    }
    mv.visitMaxs(0, 0);
    mv.visitEnd();

    if (tunnels) {
      inner(cv, fw, own, locals, ptypes, classes, passed, innerParams, innerDesc, classifyDesc);
    }

    if (!inline) {
      MethodVisitor tail = cv.visitMethod(ACC_PRIVATE, "classify", classifyDesc, null, null);
      tail.visitCode();
      parameters(tail, passed);
      classifyScratch(tail);
      new ClassifyEmitter(
              fw, tail, locals, rss, new ChecksumEmitter(fw, tail), ptypes, classes, self)
          .emit();
      tail.visitMaxs(0, 0);
      tail.visitEnd();
    }
    rss.emitMethods(cv);
    PtypeEmitter.emit(cv, fw);
  }

  /**
   * {@code steerInner(p, off, len, r, scratch, <innerParams>)}: the graph at level 1 and deeper,
   * from the tunnel entry on (the parser's state and the facts that go on growing as parameters,
   * the level-0 facts only passed on to classify), then its own call of classify.
   */
  private static void inner(
      ClassVisitor cv,
      Firmware fw,
      String own,
      SteerLocals locals,
      RuleBits ptypes,
      RuleBits classes,
      int[] passed,
      int[] innerParams,
      String innerDesc,
      String classifyDesc) {
    MethodVisitor mv = cv.visitMethod(ACC_PRIVATE, "steerInner", innerDesc, null, null);
    mv.visitCode();
    // The parameters to slots past every local of the graph, then (after the graph's locals are
    // initialised) to their homes: a parameter's slot is some other local's home.
    int temp = locals.runBase(RssEmitter.maxRuns(fw)) + 1;
    int[] temps = new int[innerParams.length];
    int slot = SCRATCH + 1;
    for (int i = 0; i < innerParams.length; i++) {
      boolean wide = isLong(innerParams[i]);
      mv.visitVarInsn(wide ? LLOAD : ILOAD, slot);
      temps[i] = temp;
      mv.visitVarInsn(wide ? LSTORE : ISTORE, temp);
      slot += wide ? 2 : 1;
      temp += 2;
    }
    Runnable entry =
        () -> {
          for (int i = 0; i < innerParams.length; i++) {
            boolean wide = isLong(innerParams[i]);
            mv.visitVarInsn(wide ? LLOAD : ILOAD, temps[i]);
            mv.visitVarInsn(wide ? LSTORE : ISTORE, innerParams[i]);
          }
          Asm.push(mv, 1);
          mv.visitVarInsn(ISTORE, SteerLocals.LEVEL);
        };
    Label done = new Label();
    StackFacts facts =
        new StackFacts(
            mv,
            locals,
            firstAtLevel0Used(fw),
            ptypes,
            classes,
            new ChecksumEmitter(fw, mv),
            ParseGraphEmitter.Part.INNER);
    new ParseGraphEmitter(
            fw, mv, locals, facts, done, ParseGraphEmitter.Part.INNER, null, entry, false)
        .emit();
    mv.visitLabel(done);
    ClassifyEmitter.storeInnerOffsets(mv, false);
    call(mv, own, "classify", passed, classifyDesc);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
  }

  /** What steer passes to steerInner: the parser's state, then what classify reads. */
  private static int[] innerParams(int[] passed) {
    int[] state = {
      SteerLocals.NEXT, SteerLocals.CURSOR, SteerLocals.STEPS, SteerLocals.REPEAT,
    };
    int[] all = new int[state.length + passed.length];
    System.arraycopy(state, 0, all, 0, state.length);
    System.arraycopy(passed, 0, all, state.length, passed.length);
    return all;
  }

  /** {@code this.name(p, off, len, r, scratch, <locals>)}, then return. */
  private static void call(MethodVisitor mv, String own, String name, int[] args, String desc) {
    mv.visitVarInsn(ALOAD, 0);
    for (int slot = 1; slot <= SCRATCH; slot++) {
      mv.visitVarInsn(slot == P || slot == R || slot == SCRATCH ? ALOAD : ILOAD, slot);
    }
    for (int local : args) {
      mv.visitVarInsn(isLong(local) ? LLOAD : ILOAD, local);
    }
    mv.visitMethodInsn(INVOKEVIRTUAL, own, name, desc, false);
    mv.visitInsn(RETURN);
  }

  /**
   * A graph without tunnels and of at most this many states keeps the classifier in steer (the
   * bundled plain firmware: 5): small enough for C1 either way, and C2 then compiles one method
   * with no call and no arguments to pass.
   */
  private static final int INLINE_CLASSIFY_STATES = 8;

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

  /** {@code (p, off, len, r, scratch, <locals>)V}: steer's parameters, then each local's type. */
  private static String descriptor(int[] passed) {
    StringBuilder d = new StringBuilder("([BII" + RESULT_DESC + "[B");
    for (int local : passed) {
      d.append(isLong(local) ? 'J' : 'I');
    }
    return d.append(")V").toString();
  }

  /**
   * The parameters after steer's into the same local slots steer used (all loaded, then stored last
   * first: a parameter's slot may be another's home), so that the code emitted for steer's locals
   * works unchanged.
   */
  private static void parameters(MethodVisitor mv, int[] passed) {
    int slot = SCRATCH + 1;
    for (int local : passed) {
      mv.visitVarInsn(isLong(local) ? LLOAD : ILOAD, slot);
      slot += isLong(local) ? 2 : 1;
    }
    for (int i = passed.length - 1; i >= 0; i--) {
      mv.visitVarInsn(isLong(passed[i]) ? LSTORE : ISTORE, passed[i]);
    }
  }

  /** classify's own locals: the stack arrays from r, the matchers' scratch zeroed. */
  private static void classifyScratch(MethodVisitor mv) {
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
