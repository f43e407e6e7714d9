package io.xdpemu.verifier;

import java.util.ArrayList;
import java.util.List;

/**
 * The state of one call frame ({@code struct bpf_func_state}): R0-R10, the stack slots written so
 * far (slot 0 is fp-8..fp-1), and where the frame was called from.
 */
final class FuncState {
  static final int MAX_REGS = 11;
  static final int MAX_STACK = 512;

  final RegState[] regs = new RegState[MAX_REGS];

  /**
   * The stack slots. Copies of a frame share the slot objects (copy-on-write): read them through
   * {@code stack.get(spi)} or {@link #slotOrNull}, but modify a slot only through {@link #slot} or
   * {@link #writableSlot}, which first give this frame its own copy of a shared slot.
   */
  final List<StackSlot> stack;

  /** Bit spi set: {@code stack.get(spi)} may be shared with another frame (a copy of this one). */
  private long sharedSlots;

  int frameno;
  int callsite = -1;
  int subprog;

  /** Callback frames (bpf_loop): return value range and where iteration continues. */
  boolean inCallback;

  /** Callback iterations explored from this frame's current bpf_loop call (callback_depth). */
  int callbackDepth;

  int callbackRetMin;
  int callbackRetMax;

  /**
   * Reference ids acquired (ringbuf reservations, sockets) and the insn that acquired them. The
   * entries are never modified (only added and removed), so copies share them.
   */
  final List<int[]> refs;

  FuncState(int frameno, int callsite, int subprog) {
    this.frameno = frameno;
    this.callsite = callsite;
    this.subprog = subprog;
    this.stack = new ArrayList<>();
    this.refs = new ArrayList<>();
    for (int i = 0; i < MAX_REGS; i++) {
      regs[i] = RegState.notInit();
    }
  }

  /** A copy for {@link #copy()}: every field is filled there, nothing is allocated twice. */
  private FuncState(FuncState o) {
    this.frameno = o.frameno;
    this.callsite = o.callsite;
    this.subprog = o.subprog;
    this.stack = new ArrayList<>(o.stack.size());
    this.refs = new ArrayList<>(o.refs);
  }

  FuncState copy() {
    FuncState f = new FuncState(this);
    for (int i = 0; i < MAX_REGS; i++) {
      f.regs[i] = regs[i].copy();
    }
    int n = stack.size();
    for (int i = 0; i < n; i++) {
      // a frame has at most MAX_STACK / 8 = 64 slots; any beyond the mask are copied eagerly
      f.stack.add(i < 64 ? stack.get(i) : stack.get(i).copy());
    }
    long shared = n >= 64 ? -1L : (1L << n) - 1;
    sharedSlots |= shared;
    f.sharedSlots = shared;
    f.inCallback = inCallback;
    f.callbackDepth = callbackDepth;
    f.callbackRetMin = callbackRetMin;
    f.callbackRetMax = callbackRetMax;
    return f;
  }

  int allocatedStack() {
    return stack.size() * 8;
  }

  /**
   * grow_stack_state: make slots down to byte offset {@code -size} exist; returns slot {@code spi}
   * ready to be modified.
   */
  StackSlot slot(int spi) {
    while (stack.size() <= spi) {
      stack.add(new StackSlot());
    }
    return writableSlot(spi);
  }

  /** Existing slot {@code spi}, this frame's own (a slot shared with a copy is copied first). */
  StackSlot writableSlot(int spi) {
    StackSlot s = stack.get(spi);
    if (spi < 64 && (sharedSlots & (1L << spi)) != 0) {
      s = s.copy();
      stack.set(spi, s);
      sharedSlots &= ~(1L << spi);
    }
    return s;
  }

  /** Slot {@code spi} for reading only, or null when the stack does not reach it. */
  StackSlot slotOrNull(int spi) {
    return spi < stack.size() ? stack.get(spi) : null;
  }
}
