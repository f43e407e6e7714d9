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
  final List<StackSlot> stack = new ArrayList<>();
  int frameno;
  int callsite = -1;
  int subprog;

  /** Callback frames (bpf_loop): return value range and where iteration continues. */
  boolean inCallback;

  /** Callback iterations explored from this frame's current bpf_loop call (callback_depth). */
  int callbackDepth;

  int callbackRetMin;
  int callbackRetMax;

  /** Reference ids acquired (ringbuf reservations, sockets) and the insn that acquired them. */
  final List<int[]> refs = new ArrayList<>();

  FuncState(int frameno, int callsite, int subprog) {
    this.frameno = frameno;
    this.callsite = callsite;
    this.subprog = subprog;
    for (int i = 0; i < MAX_REGS; i++) {
      regs[i] = RegState.notInit();
    }
  }

  FuncState copy() {
    FuncState f = new FuncState(frameno, callsite, subprog);
    for (int i = 0; i < MAX_REGS; i++) {
      f.regs[i] = regs[i].copy();
    }
    for (StackSlot s : stack) {
      f.stack.add(s.copy());
    }
    f.inCallback = inCallback;
    f.callbackDepth = callbackDepth;
    f.callbackRetMin = callbackRetMin;
    f.callbackRetMax = callbackRetMax;
    for (int[] r : refs) {
      f.refs.add(r.clone());
    }
    return f;
  }

  int allocatedStack() {
    return stack.size() * 8;
  }

  /** grow_stack_state: make slots down to byte offset {@code -size} exist. */
  StackSlot slot(int spi) {
    while (stack.size() <= spi) {
      stack.add(new StackSlot());
    }
    return stack.get(spi);
  }

  StackSlot slotOrNull(int spi) {
    return spi < stack.size() ? stack.get(spi) : null;
  }
}
