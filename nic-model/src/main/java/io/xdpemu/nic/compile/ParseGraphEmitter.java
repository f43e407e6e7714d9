package io.xdpemu.nic.compile;

import static io.xdpemu.nic.compile.Asm.RESULT;
import static io.xdpemu.nic.compile.Asm.RESULT_DESC;
import static io.xdpemu.nic.compile.Asm.bits;
import static io.xdpemu.nic.compile.Asm.push;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.HeaderType;
import io.xdpemu.nic.firmware.ParseState;
import io.xdpemu.nic.parse.ParseStatus;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * {@code void parse(byte[] p, int off, int len, ParseResult r)}: the parse graph as code, one block
 * per state that jumps straight to the next. Semantics are {@link
 * io.xdpemu.nic.parse.PacketParser}'s (the reference it is tested against), step for step: the step
 * and repeat limits, the bounds checks before every read, first matching row wins. What the tables
 * look up at run time is constant here, and the most recent offset of each header type is kept in a
 * local instead of searching the stack.
 */
final class ParseGraphEmitter implements Opcodes {
  private static final int P = 1;
  private static final int OFF = 2;
  private static final int LEN = 3;
  private static final int R = 4;
  private static final int CURSOR = 5;
  private static final int STEPS = 6;
  private static final int REPEAT = 7;
  private static final int LEVEL = 8;
  private static final int COUNT = 9;
  private static final int TYPE = 10;
  private static final int OFFSET = 11;
  private static final int LENGTH = 12;
  private static final int LEVELS = 13;
  private static final int BASE = 14;
  private static final int HL = 15;
  private static final int SUM = 16; // long: 16-17
  private static final int LAST = 18; // one int per header type

  private final Firmware fw;
  private final MethodVisitor mv;
  private final int keys; // first long local for select keys
  private final Label[] stateLabel;
  private final Label accept = new Label();
  private final Label[] failLabel = new Label[ParseStatus.values().length];

  private ParseGraphEmitter(Firmware fw, MethodVisitor mv) {
    this.fw = fw;
    this.mv = mv;
    this.keys = LAST + fw.headers().size();
    stateLabel = new Label[fw.states().size()];
    for (int i = 0; i < stateLabel.length; i++) {
      stateLabel[i] = new Label();
    }
    for (int i = 0; i < failLabel.length; i++) {
      failLabel[i] = new Label();
    }
  }

  static void emit(ClassVisitor cv, Firmware fw) {
    MethodVisitor mv = cv.visitMethod(0, "parse", "([BII" + RESULT_DESC + ")V", null, null);
    mv.visitCode();
    new ParseGraphEmitter(fw, mv).body();
    mv.visitMaxs(0, 0);
    mv.visitEnd();
  }

  private int maxKeys() {
    int m = 0;
    for (ParseState s : fw.states()) {
      m = Math.max(m, s.keys().length);
    }
    return m;
  }

  private void body() {
    // r.status = OK; r.errorOffset = -1; r.packetLength = len (ParseResult.reset; count at exit)
    mv.visitVarInsn(ALOAD, R);
    mv.visitFieldInsn(GETSTATIC, STATUS, "OK", STATUS_DESC);
    mv.visitFieldInsn(PUTFIELD, RESULT, "status", STATUS_DESC);
    mv.visitVarInsn(ALOAD, R);
    push(mv, -1);
    mv.visitFieldInsn(PUTFIELD, RESULT, "errorOffset", "I");
    mv.visitVarInsn(ALOAD, R);
    mv.visitVarInsn(ILOAD, LEN);
    mv.visitFieldInsn(PUTFIELD, RESULT, "packetLength", "I");
    for (int local : new int[] {CURSOR, STEPS, LEVEL, COUNT, BASE, HL}) {
      push(mv, 0);
      mv.visitVarInsn(ISTORE, local);
    }
    push(mv, 1);
    mv.visitVarInsn(ISTORE, REPEAT);
    String[] arrays = {"type", "offset", "length", "level"};
    int[] locals = {TYPE, OFFSET, LENGTH, LEVELS};
    for (int i = 0; i < arrays.length; i++) {
      mv.visitVarInsn(ALOAD, R);
      mv.visitFieldInsn(GETFIELD, RESULT, arrays[i], "[I");
      mv.visitVarInsn(ASTORE, locals[i]);
    }
    push(mv, 0L);
    mv.visitVarInsn(LSTORE, SUM);
    for (int h = 0; h < fw.headers().size(); h++) {
      push(mv, -1);
      mv.visitVarInsn(ISTORE, LAST + h);
    }
    for (int c = 0; c < maxKeys(); c++) {
      push(mv, 0L);
      mv.visitVarInsn(LSTORE, keys + 2 * c);
    }
    edge(-1, fw.start());
    for (ParseState s : fw.states()) {
      state(s);
    }
    exits();
  }

  private static final String STATUS = "io/xdpemu/nic/parse/ParseStatus";
  private static final String STATUS_DESC = "L" + STATUS + ";";

  private Label fail(ParseStatus s) {
    return failLabel[s.ordinal()];
  }

  /** Jump from state {@code from} (-1: the start) to {@code to}, counting repeats. */
  private void edge(int from, int to) {
    if (to == ParseState.REJECT) {
      mv.visitJumpInsn(GOTO, fail(ParseStatus.REJECTED));
      return;
    }
    if (to < 0) {
      mv.visitJumpInsn(GOTO, accept);
      return;
    }
    if (to == from) {
      mv.visitIincInsn(REPEAT, 1);
    } else if (from >= 0) {
      push(mv, 1);
      mv.visitVarInsn(ISTORE, REPEAT);
    }
    mv.visitJumpInsn(GOTO, stateLabel[to]);
  }

  private void state(ParseState s) {
    mv.visitLabel(stateLabel[s.id()]);
    // if (++steps > maxDepth * 4) TOO_DEEP; if (repeat > maxRepeat) STACK_OVERFLOW
    mv.visitIincInsn(STEPS, 1);
    mv.visitVarInsn(ILOAD, STEPS);
    push(mv, fw.maxDepth() * 4);
    mv.visitJumpInsn(IF_ICMPGT, fail(ParseStatus.TOO_DEEP));
    mv.visitVarInsn(ILOAD, REPEAT);
    push(mv, s.maxRepeat());
    mv.visitJumpInsn(IF_ICMPGT, fail(ParseStatus.STACK_OVERFLOW));
    if (s.header() >= 0) {
      extract(fw.headers().get(s.header()));
    }
    if (s.enterInner()) {
      mv.visitIincInsn(LEVEL, 1);
    }
    select(s);
  }

  private void extract(HeaderType h) {
    int id = h.id();
    Label tooDeep = fail(ParseStatus.TOO_DEEP);
    Label truncated = fail(ParseStatus.TRUNCATED);
    mv.visitVarInsn(ILOAD, COUNT);
    push(mv, fw.maxDepth());
    mv.visitJumpInsn(IF_ICMPGE, tooDeep);
    mv.visitVarInsn(ILOAD, COUNT);
    mv.visitVarInsn(ALOAD, TYPE);
    mv.visitInsn(ARRAYLENGTH);
    mv.visitJumpInsn(IF_ICMPGE, tooDeep);
    // left = len - cursor < minBytes -> TRUNCATED
    mv.visitVarInsn(ILOAD, LEN);
    mv.visitVarInsn(ILOAD, CURSOR);
    mv.visitInsn(ISUB);
    push(mv, h.minBytes());
    mv.visitJumpInsn(IF_ICMPLT, truncated);
    HeaderType.Length l = h.length();
    if (l.fixed()) {
      push(mv, l.add());
      mv.visitVarInsn(ISTORE, HL);
    } else {
      setBase(CURSOR);
      push(mv, (long) l.add());
      for (int t = 0; t < l.termField().length; t++) {
        HeaderType.Field f = h.fields().get(l.termField()[t]);
        bits(mv, P, BASE, f.bitOffset(), f.width());
        push(mv, (long) l.termMul()[t]);
        mv.visitInsn(LMUL);
        mv.visitInsn(LADD);
      }
      mv.visitVarInsn(LSTORE, SUM);
      Label badLength = fail(ParseStatus.BAD_LENGTH);
      mv.visitVarInsn(LLOAD, SUM);
      push(mv, (long) l.min());
      mv.visitInsn(LCMP);
      mv.visitJumpInsn(IFLT, badLength);
      mv.visitVarInsn(LLOAD, SUM);
      push(mv, (long) l.max());
      mv.visitInsn(LCMP);
      mv.visitJumpInsn(IFGT, badLength);
      mv.visitVarInsn(LLOAD, SUM);
      mv.visitInsn(L2I);
      mv.visitVarInsn(ISTORE, HL);
    }
    // hl > len - cursor -> TRUNCATED
    mv.visitVarInsn(ILOAD, HL);
    mv.visitVarInsn(ILOAD, LEN);
    mv.visitVarInsn(ILOAD, CURSOR);
    mv.visitInsn(ISUB);
    mv.visitJumpInsn(IF_ICMPGT, truncated);
    // push(type, cursor, hl, level)
    store(TYPE, () -> push(mv, id));
    store(OFFSET, () -> mv.visitVarInsn(ILOAD, CURSOR));
    store(LENGTH, () -> mv.visitVarInsn(ILOAD, HL));
    store(LEVELS, () -> mv.visitVarInsn(ILOAD, LEVEL));
    mv.visitVarInsn(ILOAD, CURSOR);
    mv.visitVarInsn(ISTORE, LAST + id);
    mv.visitIincInsn(COUNT, 1);
    mv.visitVarInsn(ILOAD, CURSOR);
    mv.visitVarInsn(ILOAD, HL);
    mv.visitInsn(IADD);
    mv.visitVarInsn(ISTORE, CURSOR);
  }

  private void store(int array, Runnable value) {
    mv.visitVarInsn(ALOAD, array);
    mv.visitVarInsn(ILOAD, COUNT);
    value.run();
    mv.visitInsn(IASTORE);
  }

  /** base = off + local. */
  private void setBase(int local) {
    mv.visitVarInsn(ILOAD, OFF);
    mv.visitVarInsn(ILOAD, local);
    mv.visitInsn(IADD);
    mv.visitVarInsn(ISTORE, BASE);
  }

  private void select(ParseState s) {
    ParseState.Key[] ks = s.keys();
    if (ks.length == 0) {
      edge(s.id(), s.defaultNext());
      return;
    }
    // A lookahead past the end of the frame ends the parse, before any key is read.
    for (ParseState.Key k : ks) {
      if (k.header() < 0) {
        mv.visitVarInsn(ILOAD, CURSOR);
        mv.visitInsn(I2L);
        push(mv, 8L);
        mv.visitInsn(LMUL);
        push(mv, (long) k.bitOffset() + k.width());
        mv.visitInsn(LADD);
        mv.visitVarInsn(ILOAD, LEN);
        mv.visitInsn(I2L);
        push(mv, 8L);
        mv.visitInsn(LMUL);
        mv.visitInsn(LCMP);
        mv.visitJumpInsn(IFGT, fail(ParseStatus.TRUNCATED));
      }
    }
    for (int c = 0; c < ks.length; c++) {
      key(ks[c], keys + 2 * c);
    }
    for (ParseState.Transition t : s.transitions()) {
      Label next = new Label();
      for (int c = 0; c < ks.length; c++) {
        mv.visitVarInsn(LLOAD, keys + 2 * c);
        long mask = t.masks()[c];
        long widthMask = ks[c].width() >= 64 ? -1L : (1L << ks[c].width()) - 1;
        if ((mask | ~widthMask) != -1L) {
          push(mv, mask);
          mv.visitInsn(LAND);
        }
        push(mv, t.values()[c]);
        mv.visitInsn(LCMP);
        mv.visitJumpInsn(IFNE, next);
      }
      edge(s.id(), t.next());
      mv.visitLabel(next);
    }
    edge(s.id(), s.defaultNext());
  }

  /** A key component: bits of the latest instance of its header (0 if none), or a lookahead. */
  private void key(ParseState.Key k, int local) {
    if (k.header() < 0) {
      setBase(CURSOR);
      bits(mv, P, BASE, k.bitOffset(), k.width());
      mv.visitVarInsn(LSTORE, local);
      return;
    }
    Label absent = new Label();
    Label done = new Label();
    mv.visitVarInsn(ILOAD, LAST + k.header());
    mv.visitJumpInsn(IFLT, absent);
    setBase(LAST + k.header());
    bits(mv, P, BASE, k.bitOffset(), k.width());
    mv.visitVarInsn(LSTORE, local);
    mv.visitJumpInsn(GOTO, done);
    mv.visitLabel(absent);
    push(mv, 0L);
    mv.visitVarInsn(LSTORE, local);
    mv.visitLabel(done);
  }

  private void exits() {
    mv.visitLabel(accept);
    mv.visitVarInsn(ALOAD, R);
    mv.visitVarInsn(ILOAD, CURSOR);
    mv.visitFieldInsn(PUTFIELD, RESULT, "payloadOffset", "I");
    storeCount();
    mv.visitInsn(RETURN);
    for (ParseStatus s : ParseStatus.values()) {
      if (s == ParseStatus.OK) {
        continue;
      }
      // fail(r, s, cursor): status, errorOffset = payloadOffset = cursor
      mv.visitLabel(fail(s));
      mv.visitVarInsn(ALOAD, R);
      mv.visitFieldInsn(GETSTATIC, STATUS, s.name(), STATUS_DESC);
      mv.visitFieldInsn(PUTFIELD, RESULT, "status", STATUS_DESC);
      mv.visitVarInsn(ALOAD, R);
      mv.visitVarInsn(ILOAD, CURSOR);
      mv.visitFieldInsn(PUTFIELD, RESULT, "errorOffset", "I");
      mv.visitVarInsn(ALOAD, R);
      mv.visitVarInsn(ILOAD, CURSOR);
      mv.visitFieldInsn(PUTFIELD, RESULT, "payloadOffset", "I");
      storeCount();
      mv.visitInsn(RETURN);
    }
  }

  private void storeCount() {
    mv.visitVarInsn(ALOAD, R);
    mv.visitVarInsn(ILOAD, COUNT);
    mv.visitFieldInsn(PUTFIELD, RESULT, "count", "I");
  }
}
