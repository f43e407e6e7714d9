package io.xdpemu.verifier;

import java.util.ArrayList;
import java.util.List;

/**
 * The state cache of {@code is_state_visited()}: at prune points the current state is compared with
 * states already explored there ({@code states_equal()}, {@code regsafe()}, {@code stacksafe()}); a
 * state that is within an explored one is safe and its path is cut. A state that is still being
 * explored (a loop head on the current path) is never used for pruning; if the current state equals
 * it exactly, the loop can never terminate.
 *
 * <p>Scalars of an explored state count only where {@link Precision} marked them precise, as in the
 * kernel. Register liveness is applied as the kernel's compute_live_registers() does.
 */
final class StatePruner {
  private final Verifier env;

  /**
   * The kernel's explored_states hash table: one list per bucket {@code (idx ^ callsite) % len}
   * (explored_state()), so states of other instructions in the same bucket count in
   * max_states_per_insn as they do in the kernel.
   */
  private final List<?>[] explored;

  /** One comparer per mode, reset before each comparison (no allocation per prune point). */
  private final RegCompare[] comparers = new RegCompare[3];

  int totalStates;
  int peakStates;
  int curStates;
  int maxStatesPerInsn;

  /** The kernel's SCC visits and backedges (made on first use: the CFG is checked first). */
  private SccVisits scc;

  StatePruner(Verifier env) {
    this.env = env;
    this.explored = new List<?>[Math.max(1, env.insns.length)];
    for (int mode = 0; mode < comparers.length; mode++) {
      comparers[mode] = new RegCompare(mode, env.allowUninitStack);
    }
  }

  @SuppressWarnings("unchecked")
  private List<VerifierState.Checkpoint> bucketList(int bucket) {
    return (List<VerifierState.Checkpoint>) explored[bucket];
  }

  private SccVisits scc() {
    if (scc == null) {
      scc = new SccVisits(env);
    }
    return scc;
  }

  /** update_peak_states(): explored states, evicted ones still referenced, and backedges. */
  private void updatePeak() {
    int now = curStates + (scc == null ? 0 : scc.backedges);
    if (now > peakStates) {
      peakStates = now;
    }
  }

  /** free_states() between functions: the kernel's peak count keeps growing across them. */
  void clear() {
    java.util.Arrays.fill(explored, null);
  }

  private int bucket(int idx, VerifierState st) {
    long h = (idx ^ st.cur().callsite) & 0xffffffffL;
    return (int) (h % env.insns.length);
  }

  /** update_branch_counts(). */
  void updateBranchCounts(VerifierState st) {
    VerifierState.Checkpoint p = st.parent;
    while (p != null) {
      if (--p.branches > 0) {
        break;
      }
      scc().finished(p);
      if (p.evicted) {
        curStates--; // maybe_free_verifier_state(): an evicted state is freed once fully explored
      }
      p = p.parent;
    }
  }

  /** Returns true when the current state is covered by an explored one (prune). */
  boolean isStateVisited(int idx) {
    VerifierState cur = env.cur;
    // a long history is costly to backtrack: force a checkpoint (is_state_visited())
    boolean forceNew = env.cfg.isForceCheckpoint(idx) || InsnHist.count(cur.hist) > 40;
    boolean addNew = forceNew;
    if (env.jmpsProcessed - env.prevJmpsProcessed >= 2
        && env.insnProcessed - env.prevInsnProcessed >= 8) {
      addNew = true;
    }
    int b = bucket(idx, cur);
    List<VerifierState.Checkpoint> list = bucketList(b);
    if (list == null) {
      list = new ArrayList<>();
      explored[b] = list;
    }
    cleanLiveStates(list, idx, cur);
    int statesCnt = 0;
    // newest first, as the kernel's list_add() at the head of the explored list
    for (int k = list.size() - 1; k >= 0; k--) {
      VerifierState.Checkpoint ck = list.get(k);
      statesCnt++;
      if (ck.insnIdx != idx) {
        continue;
      }
      if (ck.branches > 0 && env.cfg.callsCallback(idx)) {
        // A callback-calling helper is re-entered after each callback run: states equal by
        // range converge (the kernel's calls_callback() case), they are not an infinite loop.
        if (statesEqual(ck, cur, RegCompare.RANGE_WITHIN)) {
          hit(ck, idx);
          scc().backedge(ck); // the kernel keeps a copy of the current state until the loop ends
          updatePeak();
          return true;
        }
        if (!forceNew
            && env.jmpsProcessed - env.prevJmpsProcessed < 20
            && env.insnProcessed - env.prevInsnProcessed < 100) {
          addNew = false;
        }
      } else if (ck.branches > 0) {
        if (maybeLooping(ck.state, cur) && statesEqual(ck, cur, RegCompare.EXACT)) {
          env.verbose("infinite loop detected at insn " + idx + "\n");
          String msg = "infinite loop detected at insn " + idx;
          env.log.errorLines.add(msg);
          env.verbose("cur state:" + env.stateString(cur.cur(), true) + "\n");
          env.verbose("old state:" + env.stateString(ck.state.cur(), true) + "\n");
          throw new Reject(msg);
        }
        if (!forceNew
            && env.jmpsProcessed - env.prevJmpsProcessed < 20
            && env.insnProcessed - env.prevInsnProcessed < 100) {
          addNew = false;
        }
      } else if (statesEqual(ck, cur, ck.inLoop ? RegCompare.RANGE_WITHIN : RegCompare.NOT_EXACT)) {
        constantsStillHold(ck, cur, idx);
        hit(ck, idx);
        if (scc().incomplete(ck)) {
          // the kernel compares such a state by range (incomplete_read_marks()) and keeps a
          // backedge; xdpemu's inLoop marks decide the comparison, the backedge is counted
          scc().backedge(ck);
          updatePeak();
        }
        return true;
      }
      // miss: a state that keeps missing is unlikely to be useful (the kernel moves it to its
      // free list; paths still below it keep it alive through their parent links)
      if (addNew) {
        ck.misses++;
      }
      int n = env.cfg.isForceCheckpoint(idx) && ck.branches > 0 ? 64 : 3;
      if (ck.misses > ck.hits * n + n) {
        // to the kernel's free list: still counted in peak_states until fully explored
        list.remove(k);
        if (ck.branches == 0) {
          curStates--;
        } else {
          ck.evicted = true;
        }
      }
    }
    if (maxStatesPerInsn < statesCnt) {
      maxStatesPerInsn = statesCnt;
    }
    if (!addNew) {
      return false;
    }
    totalStates++;
    curStates++;
    updatePeak();
    env.prevJmpsProcessed = env.jmpsProcessed;
    env.prevInsnProcessed = env.insnProcessed;
    VerifierState.Checkpoint ck = new VerifierState.Checkpoint(cur.copy(), idx);
    ck.parent = cur.parent;
    cur.parent = ck;
    env.precision.checkpointed(cur, idx);
    list.add(ck);
    scc().entered(ck);
    return false;
  }

  /**
   * jit (issue 13): tells the fact recorder whether the path cut here carries only values within
   * the explored state's ranges: only then do the constants recorded below hold on it. A state in a
   * loop is compared by range already; any other cut is taken as not within (an imprecise scalar of
   * the explored state matched any value), rather than comparing again at every prune: the recorder
   * then drops the constants of the registers such a value may reach. Counts and messages do not
   * depend on it.
   */
  private void constantsStillHold(VerifierState.Checkpoint ck, VerifierState cur, int idx) {
    if (cur.speculative) {
      return; // no run takes a speculative path: its facts are not recorded either
    }
    env.facts.pruned(idx, ck.inLoop, cur.curframe);
  }

  /** A prune: what the explored state needed precise is needed on this path too. */
  private void hit(VerifierState.Checkpoint ck, int idx) {
    ck.hits++;
    VerifierState cur = env.cur;
    if (ck.branches > 0) {
      // A loop closed on a state still being explored: the precision marks of the states around
      // the loop may be incomplete (the kernel keeps backedges and propagates them when the loop
      // is left, 6.16+). Not modelled: those states compare every scalar by range from now on.
      for (VerifierState.Checkpoint p = cur.parent; p != null; p = p.parent) {
        p.inLoop = true;
        if (p == ck) {
          break;
        }
      }
    }
    if (env.cfg.isJmpPoint(idx)) {
      env.precision.jmpPoint(cur, idx, cur.prevInsnIdx);
    }
    VerifierState old = ck.state;
    int[] live = new int[old.curframe + 1];
    for (int i = 0; i <= old.curframe; i++) {
      // a cleaned state lost the registers dead at the frame's instruction; others keep all
      live[i] = ck.cleaned ? env.cfg.liveRegsBefore(frameInsnIdx(old, i), true) : 0xffff;
    }
    env.precision.propagate(old, cur, live, ck.cleaned ? ck.deadStack : null);
  }

  /** frame_insn_idx(): where frame {@code i} of {@code st} is (its call site for callers). */
  private static int frameInsnIdx(VerifierState st, int i) {
    return i == st.curframe ? st.insnIdx : st.frames[i + 1].callsite;
  }

  /**
   * clean_live_states(): explored states at {@code idx} with no path left below them forget what no
   * path from them reads (registers by liveness, stack slots by {@link StackLiveness}).
   */
  private void cleanLiveStates(List<VerifierState.Checkpoint> list, int idx, VerifierState cur) {
    for (VerifierState.Checkpoint ck : list) {
      if (ck.branches > 0
          || ck.insnIdx != idx
          || !sameCallsites(ck.state, cur)
          || ck.cleaned
          || incompleteReadMarks(ck)) {
        continue;
      }
      VerifierState st = ck.state;
      long[] dead = new long[st.curframe + 1];
      for (int fr = 0; fr <= st.curframe; fr++) {
        int slots = Math.min(st.frames[fr].stack.size(), 64);
        long written = slots == 64 ? -1L : (1L << slots) - 1;
        dead[fr] = written & ~env.liveness.aliveMask(st, fr);
      }
      ck.deadStack = dead;
      ck.cleaned = true;
    }
  }

  /**
   * incomplete_read_marks(): the state is in a loop whose paths are not all explored yet. Not
   * applied yet: without the kernel's propagate_backedges() (precision through the backedge states
   * at the loop's end) it only costs pruning; {@link VerifierState.Checkpoint#inLoop} stands in for
   * it.
   */
  private boolean incompleteReadMarks(VerifierState.Checkpoint ck) {
    return false;
  }

  /**
   * find_prev_entry(): the newest checkpoint at {@code idx} still being explored on this path with
   * the same call sites, or null.
   */
  VerifierState findPrevEntry(VerifierState cur, int idx) {
    List<VerifierState.Checkpoint> list = bucketList(bucket(idx, cur));
    if (list == null) {
      return null;
    }
    for (int k = list.size() - 1; k >= 0; k--) {
      VerifierState.Checkpoint ck = list.get(k);
      if (ck.insnIdx == idx && ck.branches > 0 && sameCallsites(ck.state, cur)) {
        return ck.state;
      }
    }
    return null;
  }

  private static boolean sameCallsites(VerifierState a, VerifierState b) {
    if (a.curframe != b.curframe) {
      return false;
    }
    for (int i = 0; i <= a.curframe; i++) {
      if (a.frames[i].callsite != b.frames[i].callsite) {
        return false;
      }
    }
    return true;
  }

  /** states_maybe_looping(): same frame depth and identical registers in the current frame. */
  private static boolean maybeLooping(VerifierState old, VerifierState cur) {
    if (old.curframe != cur.curframe) {
      return false;
    }
    RegState[] a = old.cur().regs;
    RegState[] b = cur.cur().regs;
    for (int i = 0; i < FuncState.MAX_REGS; i++) {
      if (!RegCompare.identical(a[i], b[i])) {
        return false;
      }
    }
    return true;
  }

  private boolean statesEqual(VerifierState.Checkpoint ck, VerifierState cur, int mode) {
    VerifierState old = ck.state;
    if (old.curframe != cur.curframe || (old.speculative && !cur.speculative)) {
      return false;
    }
    boolean exact = mode == RegCompare.EXACT;
    RegCompare cmp = comparers[mode];
    cmp.reset();
    for (int i = 0; i <= old.curframe; i++) {
      if (old.frames[i].callsite != cur.frames[i].callsite) {
        return false;
      }
      int live = env.cfg.liveRegsBefore(frameInsnIdx(old, i), i == old.curframe);
      long dead = ck.cleaned ? ck.deadStack[i] : 0;
      if (!cmp.funcStatesEqual(old.frames[i], cur.frames[i], live, dead)) {
        return false;
      }
    }
    return true;
  }
}
