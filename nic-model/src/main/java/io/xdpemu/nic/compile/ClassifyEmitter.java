package io.xdpemu.nic.compile;

import static io.xdpemu.nic.compile.Asm.RESULT;
import static io.xdpemu.nic.compile.Asm.bits;
import static io.xdpemu.nic.compile.Asm.push;
import static io.xdpemu.nic.compile.SteerLocals.*;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.FlowMarkRule;
import io.xdpemu.nic.firmware.Layout;
import io.xdpemu.nic.firmware.RssConfig;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The second part of the generated {@code steer}, after the parse: the facts {@link StackFacts}
 * noted stored into the result, the packet-type rules ({@link PtypeEmitter}: inline from stack
 * indices when every rule is one or two headers, else a method of their own), the RSS traffic
 * classes with the Toeplitz hash of their fields read straight from the frame ({@link RssEmitter}),
 * the checksum verdicts from what was noted as headers were pushed ({@link ChecksumEmitter}; the
 * sums are the interpreter's code) and the flow-mark rules. Semantics are {@link
 * io.xdpemu.nic.parse.Classifier}'s: an in-order (not necessarily adjacent) match of a rule's
 * headers, exact rules matching the whole stack, first rule wins. Every rule first tests that its
 * header types were all seen (one mask), which is necessary for a match.
 */
final class ClassifyEmitter implements Opcodes {
  private final Firmware fw;
  private final MethodVisitor mv;
  private final SteerLocals locals;
  private final String self;
  private final RssEmitter hasher;
  private final ChecksumEmitter checksums;
  private final StackMatch match;
  private final RuleBits ptypes;
  private final RuleBits classes;

  /**
   * @param hasher where the Toeplitz hash of each field is written
   * @param checksums the checksum verdicts from what was noted at push time
   * @param self the superclass, CompiledFirmware
   */
  ClassifyEmitter(
      Firmware fw,
      MethodVisitor mv,
      SteerLocals locals,
      RssEmitter hasher,
      ChecksumEmitter checksums,
      RuleBits ptypes,
      RuleBits classes,
      String self) {
    this.ptypes = ptypes;
    this.classes = classes;
    this.fw = fw;
    this.mv = mv;
    this.locals = locals;
    this.hasher = hasher;
    this.checksums = checksums;
    this.self = self;
    match = new StackMatch(mv, COUNT, TYPE, LEVELS, I, T, LV, LVL, SEEN);
  }

  /** The classifier proper, in its own method (the offsets are stored by steer). */
  void emit() {
    rss();
    stopUnlessFull();
    Asm.line(mv, 2001);
    if (PtypeEmitter.byIndex(fw)) {
      PtypeEmitter.emitByIndex(mv, hasher.own(), ptypes);
    } else {
      // this.ptype(r, seen): its own method, so that steer stays under HotSpot's JIT size limit
      mv.visitVarInsn(ALOAD, 0);
      mv.visitVarInsn(ALOAD, R);
      mv.visitVarInsn(LLOAD, SEEN);
      mv.visitMethodInsn(INVOKEVIRTUAL, self, "ptype", "(" + Asm.RESULT_DESC + "J)V", false);
    }
    Asm.line(mv, 2300);
    checksums.emitStatus();
    Asm.line(mv, 2400);
    marks();
    mv.visitInsn(RETURN);
  }

  /**
   * {@code if (r.fullFor != null && !r.fullFor[r.rssHash & (r.fullFor.length - 1)]) return;}: a
   * caller that only needs the queue of a frame some other thread runs stops here (see {@link
   * io.xdpemu.nic.parse.ParseResult#fullFor}); the packet type, checksum verdicts and flow mark are
   * then not computed.
   */
  private void stopUnlessFull() {
    Label full = new Label();
    loadFullFor();
    mv.visitJumpInsn(IFNULL, full);
    loadFullFor();
    mv.visitVarInsn(ALOAD, R);
    mv.visitFieldInsn(GETFIELD, RESULT, "rssHash", "I");
    loadFullFor();
    mv.visitInsn(ARRAYLENGTH);
    mv.visitInsn(ICONST_1);
    mv.visitInsn(ISUB);
    mv.visitInsn(IAND);
    mv.visitInsn(BALOAD);
    mv.visitJumpInsn(IFNE, full);
    mv.visitInsn(RETURN);
    mv.visitLabel(full);
  }

  private void loadFullFor() {
    mv.visitVarInsn(ALOAD, R);
    mv.visitFieldInsn(GETFIELD, RESULT, "fullFor", "[Z");
  }

  private static void putInt(MethodVisitor mv, String field, int local) {
    mv.visitVarInsn(ALOAD, R);
    mv.visitVarInsn(ILOAD, local);
    mv.visitFieldInsn(PUTFIELD, RESULT, field, "I");
  }

  /** In steer: the level-0 offsets, VLAN tag and ports noted at push time, into r. */
  static void storeLevel0Offsets(MethodVisitor mv) {
    Asm.line(mv, 2000);
    putInt(mv, "l2Offset", L2);
    putInt(mv, "l3Offset", L3);
    putInt(mv, "l4Offset", L4);
    putInt(mv, "vlanOffset", VLAN_OFF);
    putInt(mv, "vlanTci", VLAN_TCI);
    putInt(mv, "vlanProto", VLAN_PROTO);
    putInt(mv, "l4Ports", PORTS);
  }

  /**
   * The first L3 and L4 offsets at the deepest level, into r: -1 without a header at level 1 or
   * deeper (steer without a tunnel: {@code noTunnel}; steerInner when MAX_LEVEL is still 0).
   */
  static void storeInnerOffsets(MethodVisitor mv, boolean noTunnel) {
    Label tunnelled = new Label();
    if (!noTunnel) {
      mv.visitVarInsn(ILOAD, MAX_LEVEL);
      mv.visitJumpInsn(IFGT, tunnelled);
    }
    push(mv, -1);
    mv.visitVarInsn(ISTORE, INNER_L3);
    push(mv, -1);
    mv.visitVarInsn(ISTORE, INNER_L4);
    mv.visitLabel(tunnelled);
    putInt(mv, "innerL3Offset", INNER_L3);
    putInt(mv, "innerL4Offset", INNER_L4);
  }

  private void rss() {
    RssConfig rss = fw.rss();
    Label done = new Label();
    if (rss == null) {
      setRss(0, -1);
      return;
    }
    // Outer headers unless the firmware hashes the innermost ones.
    if (rss.inner()) {
      mv.visitVarInsn(ILOAD, MAX_LEVEL);
    } else {
      push(mv, 0);
    }
    mv.visitVarInsn(ISTORE, LVL);
    for (int c = 0; c < rss.classes().size(); c++) {
      RssConfig.TrafficClass tc = rss.classes().get(c);
      Asm.line(mv, 2100 + c);
      Label fail = new Label();
      if (classes.byBit(c)) {
        classes.test(mv, c, fail);
      } else {
        match.seenAll(tc.match(), fail);
        match.inOrder(tc.match(), true, fail);
      }
      java.util.List<RssEmitter.Run> runs = RssEmitter.runs(tc.fields());
      int[] bases = new int[runs.size()];
      for (int i = 0; i < runs.size(); i++) {
        bases[i] = locals.runBase(i);
        RssEmitter.Run run = runs.get(i);
        fieldBase(run.header(), run.at(), rss.inner(), fail);
        mv.visitVarInsn(ILOAD, BASE);
        mv.visitVarInsn(ISTORE, bases[i]);
      }
      hasher.hashClass(mv, runs, bases);
      setRss(tc.hashType().value(), c);
      mv.visitJumpInsn(GOTO, done);
      mv.visitLabel(fail);
    }
    push(mv, 0);
    mv.visitVarInsn(ISTORE, HASH);
    setRss(0, -1);
    mv.visitLabel(done);
  }

  /**
   * The traffic classes decided as headers are pushed ({@link RuleBits}): one or two headers at
   * level 0 (every shipped firmware's classes). [A] matches when A is there, [A, B] when some A
   * comes before some B - exactly when the reference's in-order scan finds them, without its loop
   * (whose trip count, varying with the frame, mispredicts).
   */
  static RuleBits classBits(Firmware fw) {
    RssConfig rss = fw.rss();
    int[][] rules = new int[rss == null ? 0 : rss.classes().size()][];
    for (int c = 0; c < rules.length; c++) {
      int[] match = rss.classes().get(c).match();
      if (!rss.inner() && RuleBits.fits(match, c)) {
        rules[c] = match;
      }
    }
    return new RuleBits(RSS_BITS, SEEN0, rules);
  }

  /**
   * base = off + offset of the first instance of {@code header} at LVL + {@code at} bytes; jumps to
   * {@code absent} when there is none. At level 0 the offset is the one noted at push time.
   */
  private void fieldBase(int header, int at, boolean anyLevel, Label absent) {
    if (anyLevel) {
      mv.visitVarInsn(ALOAD, R);
      push(mv, header);
      mv.visitVarInsn(ILOAD, LVL);
      mv.visitMethodInsn(INVOKEVIRTUAL, RESULT, "first", "(II)I", false);
      mv.visitVarInsn(ISTORE, IDX);
      mv.visitVarInsn(ILOAD, IDX);
      mv.visitJumpInsn(IFLT, absent);
      mv.visitVarInsn(ALOAD, OFFSET);
      mv.visitVarInsn(ILOAD, IDX);
      mv.visitInsn(IALOAD);
    } else {
      mv.visitVarInsn(ILOAD, locals.first0(header));
      mv.visitJumpInsn(IFLT, absent);
      mv.visitVarInsn(ILOAD, locals.first0(header));
    }
    mv.visitVarInsn(ILOAD, OFF);
    mv.visitInsn(IADD);
    push(mv, at);
    mv.visitInsn(IADD);
    mv.visitVarInsn(ISTORE, BASE);
  }

  /** r.rssHash = HASH; r.rssHashType; r.rssClass. */
  private void setRss(int hashType, int rssClass) {
    mv.visitVarInsn(ALOAD, R);
    mv.visitVarInsn(ILOAD, HASH);
    mv.visitFieldInsn(PUTFIELD, RESULT, "rssHash", "I");
    mv.visitVarInsn(ALOAD, R);
    push(mv, hashType);
    mv.visitFieldInsn(PUTFIELD, RESULT, "rssHashType", "I");
    mv.visitVarInsn(ALOAD, R);
    push(mv, rssClass);
    mv.visitFieldInsn(PUTFIELD, RESULT, "rssClass", "I");
  }

  /** First rule whose fields (outermost instances at level 0) all match under their masks. */
  private void marks() {
    Label done = new Label();
    for (FlowMarkRule rule : fw.flowMarks()) {
      Label fail = new Label();
      for (int i = 0; i < rule.fields().length; i++) {
        Layout.FieldRef f = rule.fields()[i];
        int first = locals.first0(f.header());
        mv.visitVarInsn(ILOAD, first);
        mv.visitJumpInsn(IFLT, fail);
        mv.visitVarInsn(ILOAD, OFF);
        mv.visitVarInsn(ILOAD, first);
        mv.visitInsn(IADD);
        mv.visitVarInsn(ISTORE, BASE);
        bits(mv, P, BASE, f.bitOffset(), f.width());
        push(mv, rule.masks()[i]);
        mv.visitInsn(LAND);
        push(mv, rule.values()[i]);
        mv.visitInsn(LCMP);
        mv.visitJumpInsn(IFNE, fail);
      }
      setMark(rule.mark());
      mv.visitJumpInsn(GOTO, done);
      mv.visitLabel(fail);
    }
    setMark(0);
    mv.visitLabel(done);
  }

  private void setMark(long mark) {
    mv.visitVarInsn(ALOAD, R);
    push(mv, mark);
    mv.visitFieldInsn(PUTFIELD, RESULT, "flowMark", "J");
  }
}
