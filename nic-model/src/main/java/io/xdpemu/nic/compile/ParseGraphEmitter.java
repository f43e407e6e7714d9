package io.xdpemu.nic.compile;

import static io.xdpemu.nic.compile.Asm.RESULT;
import static io.xdpemu.nic.compile.Asm.bits;
import static io.xdpemu.nic.compile.Asm.push;
import static io.xdpemu.nic.compile.SteerLocals.*;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.HeaderType;
import io.xdpemu.nic.firmware.ParseState;
import io.xdpemu.nic.parse.ParseStatus;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The first part of the generated {@code steer}: the parse graph as code, one block per state that
 * jumps straight to the next, every end of the parse continuing at the classifier. Semantics are
 * {@link io.xdpemu.nic.parse.PacketParser}'s (the reference it is tested against), step for step:
 * the step and repeat limits, the bounds checks before every read, first matching row wins. What
 * the tables look up at run time is constant here, and the most recent offset of each header type
 * is kept in a local instead of searching the stack.
 */
final class ParseGraphEmitter implements Opcodes {
  private final Firmware fw;
  private final MethodVisitor mv;
  private final SteerLocals locals;
  private final StackFacts facts;
  private final Label done;
  private final Label[] stateLabel;
  private final Label accept = new Label();
  private final Label[] failLabel = new Label[ParseStatus.values().length];

  /** States with a transition to themselves: the only ones whose repeat count can exceed 1. */
  private final boolean[] selfLoop;

  /**
   * Which part of the graph this method is: {@code OUTER} (steer) parses at tunnel level 0 and
   * leaves at the first tunnel entry for {@code INNER} (steerInner), which parses at level 1 and
   * deeper. Each knows its level, so the facts of the other level are not even tested for: a frame
   * without tunnels runs no level test at all, and neither method carries the other's facts (C1
   * allocates registers for each within its budget).
   */
  enum Part {
    OUTER,
    INNER
  }

  private final Part part;

  /** OUTER: where a tunnel entry continues, the state to continue at in NEXT. */
  private final Label tunnel;

  /** INNER: after the locals are initialised, sets the parser's state from the parameters. */
  private final Runnable entry;

  /** Whether no frame can run more states than the step limit ({@link StepBound}). */
  private final boolean stepsBounded;

  /** Whether the graph has a tunnel entry (else every header is at level 0). */
  private final boolean tunnels;

  /** Whether the stack arrays are kept in locals (a small graph) or read from r at each push. */
  private final boolean arrayLocals;

  /**
   * @param facts what to note as each header is pushed
   * @param done where every end of the parse (accept or an error) continues, r.count stored
   * @param part which levels this method parses
   * @param tunnel OUTER: where a tunnel entry continues (NEXT the state); INNER: unused
   * @param entry INNER: the parser's state (NEXT, CURSOR, ...) from the parameters; OUTER: unused
   * @param arrayLocals whether the stack arrays stay in locals (a small graph, see SteerEmitter)
   */
  ParseGraphEmitter(
      Firmware fw,
      MethodVisitor mv,
      SteerLocals locals,
      StackFacts facts,
      Label done,
      Part part,
      Label tunnel,
      Runnable entry,
      boolean arrayLocals) {
    this.arrayLocals = arrayLocals;
    this.part = part;
    this.entry = entry;
    this.tunnel = tunnel;
    this.fw = fw;
    this.mv = mv;
    this.locals = locals;
    this.facts = facts;
    this.done = done;
    stateLabel = new Label[fw.states().size()];
    for (int i = 0; i < stateLabel.length; i++) {
      stateLabel[i] = new Label();
    }
    for (int i = 0; i < failLabel.length; i++) {
      failLabel[i] = new Label();
    }
    tunnels = fw.states().stream().anyMatch(ParseState::enterInner);
    stepsBounded = StepBound.withinLimit(fw);
    selfLoop = new boolean[stateLabel.length];
    for (ParseState s : fw.states()) {
      selfLoop[s.id()] = s.defaultNext() == s.id();
      for (ParseState.Transition t : s.transitions()) {
        selfLoop[s.id()] |= t.next() == s.id();
      }
    }
  }

  /**
   * Header types a select key reads the latest instance of; with {@code notExtracted}, only those
   * read by a state that does not extract them (the latest instance then comes from an earlier
   * state, possibly at an outer tunnel level; every shipped firmware keys only on the header a
   * state extracts).
   */
  private static boolean[] keyedHeaders(Firmware fw, boolean notExtracted) {
    boolean[] keyed = new boolean[fw.headers().size()];
    for (ParseState s : fw.states()) {
      for (ParseState.Key k : s.keys()) {
        if (k.header() >= 0 && !(notExtracted && k.header() == s.header())) {
          keyed[k.header()] = true;
        }
      }
    }
    return keyed;
  }

  static int maxKeys(Firmware fw) {
    int m = 0;
    for (ParseState s : fw.states()) {
      m = Math.max(m, s.keys().length);
    }
    return m;
  }

  /** Everything from ParseResult.reset to the jump to {@code done}. */
  void emit() {
    Asm.line(mv, 999);
    if (part == Part.OUTER) {
      reset();
    }
    initialiseLocals();
    if (part == Part.OUTER) {
      edge(-1, fw.start());
    } else {
      entry.run();
      latestOfOuterLevels();
      enterAtNext();
    }
    for (ParseState s : fw.states()) {
      state(s);
    }
    exits();
  }

  /**
   * INNER: a key on a header a state does not extract reads its latest instance, which may lie at
   * an outer level, pushed by steer: its offset comes from the stack (as the interpreter's
   * ParseResult.last), not from steer's locals, which would take one parameter per such header.
   */
  private void latestOfOuterLevels() {
    boolean[] keyed = keyedHeaders(fw, true);
    for (int h = 0; h < keyed.length; h++) {
      if (keyed[h]) {
        mv.visitVarInsn(ALOAD, R);
        mv.visitVarInsn(ILOAD, COUNT);
        push(mv, h);
        mv.visitMethodInsn(INVOKEVIRTUAL, RESULT, "latestOffset", "(II)I", false);
        mv.visitVarInsn(ISTORE, locals.last(h));
      }
    }
  }

  /** INNER: continue at state NEXT (a parameter, like the rest of the parser's state). */
  private void enterAtNext() {
    Label[] labels = stateLabel.clone();
    mv.visitVarInsn(ILOAD, NEXT);
    mv.visitTableSwitchInsn(0, labels.length - 1, accept, labels); // any other: not a state
  }

  /**
   * r.status = OK; r.errorOffset = -1; r.packetLength = len (ParseResult.reset; count at exit). The
   * status is stored unconditionally: loading and comparing it first measured 1.3 ns slower per
   * frame on one repeated frame and no faster on mixed traffic (wave 8).
   */
  private void reset() {
    mv.visitVarInsn(ALOAD, R);
    mv.visitFieldInsn(GETSTATIC, STATUS, "OK", STATUS_DESC);
    mv.visitFieldInsn(PUTFIELD, RESULT, "status", STATUS_DESC);
    mv.visitVarInsn(ALOAD, R);
    push(mv, -1);
    mv.visitFieldInsn(PUTFIELD, RESULT, "errorOffset", "I");
    mv.visitVarInsn(ALOAD, R);
    mv.visitVarInsn(ILOAD, LEN);
    mv.visitFieldInsn(PUTFIELD, RESULT, "packetLength", "I");
  }

  /** Every local the graph reads, set before the first state (INNER: then its parameters). */
  private void initialiseLocals() {
    for (int local : SteerLocals.INTS_ZERO) {
      push(mv, 0);
      mv.visitVarInsn(ISTORE, local);
    }
    for (int local : SteerLocals.INTS_MINUS_ONE) {
      push(mv, -1);
      mv.visitVarInsn(ISTORE, local);
    }
    push(mv, 1);
    mv.visitVarInsn(ISTORE, REPEAT);
    if (arrayLocals) {
      for (int i = 0; i < ARRAYS.length; i++) {
        mv.visitVarInsn(ALOAD, R);
        mv.visitFieldInsn(GETFIELD, RESULT, ARRAYS[i], "[I");
        mv.visitVarInsn(ASTORE, ARRAY_LOCALS[i]);
      }
    }
    // DEPTH_LIMIT = min(max_depth, type.length)
    push(mv, fw.maxDepth());
    mv.visitVarInsn(ALOAD, R);
    mv.visitFieldInsn(GETFIELD, RESULT, "type", "[I");
    mv.visitInsn(ARRAYLENGTH);
    mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "min", "(II)I", false);
    mv.visitVarInsn(ISTORE, DEPTH_LIMIT);
    for (int local : new int[] {SUM, SEEN, V, PTYPE_BITS, RSS_BITS, SEEN0}) {
      push(mv, 0L);
      mv.visitVarInsn(LSTORE, local);
    }
    // Only what is read is set (a local read unset would fail verification, not go unnoticed).
    boolean[] keyed = keyedHeaders(fw, false);
    for (int h = 0; h < fw.headers().size(); h++) {
      if (keyed[h]) {
        push(mv, -1);
        mv.visitVarInsn(ISTORE, locals.last(h));
      }
    }
    facts.initialise(fw.headers().size());
    for (int c = 0; c < locals.maxKeys; c++) {
      push(mv, 0L);
      mv.visitVarInsn(LSTORE, locals.key(c));
    }
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
    } else if (from >= 0 && selfLoop[to]) { // only a self-looping state reads the count
      push(mv, 1);
      mv.visitVarInsn(ISTORE, REPEAT);
    }
    if (part == Part.OUTER && from >= 0 && fw.states().get(from).enterInner()) {
      push(mv, to); // level 1 from here on: the inner part's
      mv.visitVarInsn(ISTORE, NEXT);
      mv.visitJumpInsn(GOTO, tunnel);
      return;
    }
    mv.visitJumpInsn(GOTO, stateLabel[to]);
  }

  private void state(ParseState s) {
    mv.visitLabel(stateLabel[s.id()]);
    Asm.line(mv, 1000 + s.id());
    // if (++steps > maxDepth * 4) TOO_DEEP (unless no frame can get there); if (repeat >
    // maxRepeat) STACK_OVERFLOW
    if (!stepsBounded) {
      mv.visitIincInsn(STEPS, 1);
      mv.visitVarInsn(ILOAD, STEPS);
      push(mv, fw.maxDepth() * 4);
      mv.visitJumpInsn(IF_ICMPGT, fail(ParseStatus.TOO_DEEP));
    }
    if (selfLoop[s.id()]) { // entered from elsewhere the count is 1 <= max_repeat
      mv.visitVarInsn(ILOAD, REPEAT);
      push(mv, s.maxRepeat());
      mv.visitJumpInsn(IF_ICMPGT, fail(ParseStatus.STACK_OVERFLOW));
    }
    if (s.header() >= 0) {
      extract(fw.headers().get(s.header()));
    }
    if (s.enterInner() && part == Part.INNER) { // OUTER: its edges leave for INNER at level 1
      mv.visitIincInsn(LEVEL, 1);
    }
    select(s);
  }

  private void extract(HeaderType h) {
    int id = h.id();
    Label tooDeep = fail(ParseStatus.TOO_DEEP);
    Label truncated = fail(ParseStatus.TRUNCATED);
    mv.visitVarInsn(ILOAD, COUNT);
    mv.visitVarInsn(ILOAD, DEPTH_LIMIT);
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
    if (tunnels) { // without tunnels every level is 0, as the result was made (ParseResult)
      store(LEVELS, () -> mv.visitVarInsn(ILOAD, LEVEL)); // OUTER: always 0
    }
    mv.visitVarInsn(ILOAD, CURSOR);
    mv.visitVarInsn(ISTORE, locals.last(id));
    facts.pushed(h);
    mv.visitIincInsn(COUNT, 1);
    mv.visitVarInsn(ILOAD, CURSOR);
    mv.visitVarInsn(ILOAD, HL);
    mv.visitInsn(IADD);
    mv.visitVarInsn(ISTORE, CURSOR);
  }

  private static final String[] ARRAYS = {"type", "offset", "length", "level"};
  private static final int[] ARRAY_LOCALS = {TYPE, OFFSET, LENGTH, LEVELS};

  /**
   * r.array[count] = value. The array in a local when {@link #arrayLocals}, else read from r at
   * each push: four fewer values live across the whole graph, which a large graph needs for C1's
   * register allocator to cope (C2 reads each field once either way: nothing in steer writes them).
   */
  private void store(int array, Runnable value) {
    if (arrayLocals) {
      mv.visitVarInsn(ALOAD, array);
    } else {
      int i = java.util.Arrays.stream(ARRAY_LOCALS).boxed().toList().indexOf(array);
      mv.visitVarInsn(ALOAD, R);
      mv.visitFieldInsn(GETFIELD, RESULT, ARRAYS[i], "[I");
    }
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
      key(ks[c], locals.key(c), s.header());
    }
    for (ParseState.Transition t : s.transitions()) {
      Label next = new Label();
      for (int c = 0; c < ks.length; c++) {
        mv.visitVarInsn(LLOAD, locals.key(c));
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

  /**
   * A key component: bits of the latest instance of its header (0 if none), or a lookahead. A key
   * on the header the state itself extracted (every shipped firmware's) reads it without asking
   * whether it is there: the extraction just set its offset.
   */
  private void key(ParseState.Key k, int local, int extracted) {
    if (k.header() < 0) {
      setBase(CURSOR);
      bits(mv, P, BASE, k.bitOffset(), k.width());
      mv.visitVarInsn(LSTORE, local);
      return;
    }
    if (k.header() == extracted) {
      setBase(locals.last(k.header()));
      bits(mv, P, BASE, k.bitOffset(), k.width());
      mv.visitVarInsn(LSTORE, local);
      return;
    }
    Label absent = new Label();
    Label done = new Label();
    mv.visitVarInsn(ILOAD, locals.last(k.header()));
    mv.visitJumpInsn(IFLT, absent);
    setBase(locals.last(k.header()));
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
    Asm.line(mv, 1999);
    mv.visitVarInsn(ALOAD, R);
    mv.visitVarInsn(ILOAD, CURSOR);
    mv.visitFieldInsn(PUTFIELD, RESULT, "payloadOffset", "I");
    storeCount();
    mv.visitJumpInsn(GOTO, done);
    for (ParseStatus s : ParseStatus.values()) {
      if (s == ParseStatus.OK) {
        continue;
      }
      // r.failed(s, cursor, count): out of line, the errors are the cold paths
      mv.visitLabel(fail(s));
      mv.visitVarInsn(ALOAD, R);
      mv.visitFieldInsn(GETSTATIC, STATUS, s.name(), STATUS_DESC);
      mv.visitVarInsn(ILOAD, CURSOR);
      mv.visitVarInsn(ILOAD, COUNT);
      mv.visitMethodInsn(INVOKEVIRTUAL, RESULT, "failed", "(" + STATUS_DESC + "II)V", false);
      mv.visitJumpInsn(GOTO, done);
    }
  }

  private void storeCount() {
    mv.visitVarInsn(ALOAD, R);
    mv.visitVarInsn(ILOAD, COUNT);
    mv.visitFieldInsn(PUTFIELD, RESULT, "count", "I");
  }
}
