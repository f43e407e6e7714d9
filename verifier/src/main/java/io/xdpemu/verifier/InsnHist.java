package io.xdpemu.verifier;

/**
 * One entry of a state's instruction history ({@code struct bpf_insn_hist_entry}): an instruction
 * reached from somewhere else than the one before it (jump points: branch targets, returns, calls),
 * a register spill or fill ({@link #stackFrame} / {@link #stackSpi}), and the scalars a conditional
 * jump linked by id ({@link #linked}). Precision backtracking walks it from the newest entry.
 *
 * <p>Immutable and shared: copies of a state (pushed branches, checkpoints) share the older part,
 * so a fork costs nothing. {@link #count} is the number of entries from this one to the oldest of
 * the state (the kernel's insn_hist_end - insn_hist_start).
 */
final class InsnHist {
  final int idx;
  final int prevIdx;

  /** Frame and slot of the spill or fill at {@link #idx}, or -1. */
  final int stackFrame;

  final int stackSpi;

  /**
   * Scalars sharing an id at the conditional jump {@link #idx}, each {@code frame << 8 | (isReg ?
   * 0x80 : 0) | regOrSpi}; null when none.
   */
  final int[] linked;

  final InsnHist older;
  final int count;

  InsnHist(int idx, int prevIdx, int stackFrame, int stackSpi, int[] linked, InsnHist older) {
    this.idx = idx;
    this.prevIdx = prevIdx;
    this.stackFrame = stackFrame;
    this.stackSpi = stackSpi;
    this.linked = linked;
    this.older = older;
    this.count = older == null ? 1 : older.count + 1;
  }

  boolean stackAccess() {
    return stackFrame >= 0;
  }

  static int count(InsnHist h) {
    return h == null ? 0 : h.count;
  }
}
