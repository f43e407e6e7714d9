package io.xdpemu.verifier;

/**
 * A whole verification state ({@code struct bpf_verifier_state}): the call frames, plus the link to
 * the checkpoint this path descends from ({@code parent}) used to count live branches, as
 * update_branch_counts() does.
 */
final class VerifierState {
  final FuncState[] frames = new FuncState[Verifier.MAX_CALL_FRAMES];
  int curframe;
  int insnIdx;

  /** A path the CPU may only take speculatively (sanitize_speculative_path, unprivileged only). */
  boolean speculative;

  int prevInsnIdx = -1;
  Checkpoint parent;

  /** Where this state's own part of the path starts and ends (first/last_insn_idx). */
  int firstInsnIdx;

  int lastInsnIdx = -1;

  /** Jump points, spills/fills and linked scalars since {@link #firstInsnIdx}, newest first. */
  InsnHist hist;

  VerifierState copy() {
    VerifierState s = new VerifierState();
    for (int i = 0; i <= curframe; i++) {
      s.frames[i] = frames[i].copy();
    }
    s.curframe = curframe;
    s.insnIdx = insnIdx;
    s.speculative = speculative;
    s.prevInsnIdx = prevInsnIdx;
    s.parent = parent;
    s.firstInsnIdx = firstInsnIdx;
    s.lastInsnIdx = lastInsnIdx;
    s.hist = hist;
    return s;
  }

  FuncState cur() {
    return frames[curframe];
  }

  RegState[] regs() {
    return frames[curframe].regs;
  }

  /** A state saved at a prune point, with the count of unfinished paths below it. */
  static final class Checkpoint {
    final VerifierState state;
    final int insnIdx;
    Checkpoint parent;
    int branches = 1;
    int hits;
    int misses;

    /** On a loop closed by a hit on a state being explored: compared by range (StatePruner). */
    boolean inLoop;

    /** Dropped from the explored list while paths below it were still open (free list). */
    boolean evicted;

    /**
     * clean_verifier_state() ran: registers not live at the frame's instruction and the stack slots
     * in {@link #deadStack} count as never written from now on.
     */
    boolean cleaned;

    /** Per frame, the slots no path from here reads (bit = spi), once {@link #cleaned}. */
    long[] deadStack;

    Checkpoint(VerifierState state, int insnIdx) {
      this.state = state;
      this.insnIdx = insnIdx;
    }
  }
}
