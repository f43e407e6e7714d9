package io.xdpemu.ebpf.vm;

/**
 * The caller frames of BPF-to-BPF calls: for each, the return pc, the callee-saved registers
 * r6..r9, the caller's frame pointer r10 and the program it runs (a tail call made inside a
 * subprogram replaces only that frame's program, so a return can land in another program, as in the
 * kernel). Allocated once per run that makes its first call; depth is bounded by {@link
 * ExecutionContext#MAX_FRAMES} as the kernel bounds it by MAX_CALL_FRAMES.
 */
final class CallStack {
  private static final int SAVED = 5; // r6, r7, r8, r9, r10

  private final long[] saved = new long[ExecutionContext.MAX_FRAMES * SAVED];
  private final int[] returnPc = new int[ExecutionContext.MAX_FRAMES];
  private final Interpreter[] program = new Interpreter[ExecutionContext.MAX_FRAMES];

  /** Saves the caller state of frame {@code depth} (0 = main program). */
  void push(int depth, long[] r, int retPc, Interpreter caller) {
    int base = depth * SAVED;
    saved[base] = r[6];
    saved[base + 1] = r[7];
    saved[base + 2] = r[8];
    saved[base + 3] = r[9];
    saved[base + 4] = r[10];
    returnPc[depth] = retPc;
    program[depth] = caller;
  }

  /** Restores the caller state of frame {@code depth}; returns the pc to continue at. */
  int pop(int depth, long[] r) {
    int base = depth * SAVED;
    r[6] = saved[base];
    r[7] = saved[base + 1];
    r[8] = saved[base + 2];
    r[9] = saved[base + 3];
    r[10] = saved[base + 4];
    return returnPc[depth];
  }

  Interpreter program(int depth) {
    return program[depth];
  }
}
