package io.xdpemu.verifier;

import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;

/**
 * Precision tracking as the kernel does it ({@code mark_chain_precision()}, {@code
 * backtrack_insn()}, {@code propagate_precision()}, {@code widen_imprecise_scalars()}): when a
 * scalar's value decides something (a branch taken for sure, pointer arithmetic, a size, a constant
 * key, a callback's return value), the instructions of the current path are walked backwards
 * through each state's {@link InsnHist} to find where the value came from, and every checkpoint on
 * the way gets the registers and spilled slots involved marked precise. Only precise scalars of an
 * old state are compared by value when pruning; the others match anything.
 *
 * <p>The current state never holds marks (as in 6.18, "precision tracking in the current state is
 * unnecessary"); marks live in the checkpoints a path descends from.
 */
final class Precision {
  private static final int ARGS = 0x3e; // r1-r5

  private final Verifier env;

  /** The backtracking masks per frame ({@code struct backtrack_state}). */
  private final int[] regMask = new int[Verifier.MAX_CALL_FRAMES];

  private final long[] stackMask = new long[Verifier.MAX_CALL_FRAMES];
  private int frame;

  /** The history entry pushed for the instruction being processed (env->cur_hist_ent). */
  private InsnHist curEntry;

  Precision(Verifier env) {
    this.env = env;
  }

  // ---------------------------------------------------------------- history

  /** A new instruction starts: its first history entry is still to come. */
  void insnStart() {
    curEntry = null;
  }

  /** A new checkpoint was made from the current state: its history starts over. */
  void checkpointed(VerifierState st, int idx) {
    st.firstInsnIdx = idx;
    st.hist = null;
    curEntry = null;
  }

  /** push_insn_history() at a jump point: the instruction was reached from {@code prevIdx}. */
  void jmpPoint(VerifierState st, int idx, int prevIdx) {
    push(st, idx, prevIdx, -1, -1, null);
  }

  /** A register spill or fill at fixed stack offset (INSN_F_STACK_ACCESS). */
  void stackAccess(int frameno, int spi) {
    VerifierState st = env.cur;
    push(st, st.insnIdx, st.prevInsnIdx, frameno, spi, null);
  }

  /** Scalars linked by id at an undecided conditional jump (collect_linked_regs()). */
  void linkedRegs(int[] linked) {
    VerifierState st = env.cur;
    push(st, st.insnIdx, st.prevInsnIdx, -1, -1, linked);
  }

  private void push(VerifierState st, int idx, int prevIdx, int fr, int spi, int[] linked) {
    InsnHist head = st.hist;
    if (curEntry != null && head == curEntry && head.idx == idx) {
      // combine with the entry already recorded for this instruction (copy on write: shared)
      st.hist =
          new InsnHist(
              idx,
              head.prevIdx,
              fr >= 0 ? fr : head.stackFrame,
              fr >= 0 ? spi : head.stackSpi,
              linked != null ? linked : head.linked,
              head.older);
    } else {
      st.hist = new InsnHist(idx, prevIdx, fr, spi, linked, head);
    }
    curEntry = st.hist;
  }

  /**
   * collect_linked_regs(): the scalars sharing {@code id}'s base in every frame, as linked_regs
   * records them; registers only where live at the frame's instruction (Linux 6.18: "collect only
   * live registers in linked regs"), spilled scalars always.
   */
  static int[] collectLinked(VerifierState st, int id, int[] into, Cfg cfg) {
    int base = id & ~RegState.ADD_CONST;
    int[] out = into == null ? new int[0] : into;
    for (int f = st.curframe; f >= 0; f--) {
      FuncState fs = st.frames[f];
      int at = f == st.curframe ? st.insnIdx : st.frames[f + 1].callsite;
      int live = cfg.liveRegsBefore(at, f == st.curframe);
      for (int i = 0; i < 10; i++) {
        if ((live & (1 << i)) != 0) {
          out = addLinked(out, fs.regs[i], base, f << 8 | 0x80 | i);
        }
      }
      for (int spi = 0; spi < fs.stack.size(); spi++) {
        StackSlot s = fs.stack.get(spi);
        if (s.isSpill()) {
          out = addLinked(out, s.spilled, base, f << 8 | spi);
        }
      }
    }
    return out;
  }

  private static int[] addLinked(int[] out, RegState r, int base, int code) {
    if (r.type != RegType.SCALAR || (r.id & ~RegState.ADD_CONST) != base) {
      return out;
    }
    for (int c : out) {
      if (c == code) {
        return out;
      }
    }
    if (out.length >= 6) {
      r.id = 0; // LINKED_REGS_MAX: the kernel unlinks the rest
      return out;
    }
    int[] n = java.util.Arrays.copyOf(out, out.length + 1);
    n[out.length] = code;
    return n;
  }

  // ---------------------------------------------------------------- marking

  /** mark_chain_precision(env, regno) in the current frame. */
  void markReg(int regno) {
    RegState r = env.cur.regs()[regno];
    if (r.type != RegType.SCALAR) {
      return;
    }
    frame = env.cur.curframe;
    regMask[frame] |= 1 << regno;
    run(env.cur);
  }

  /** A spilled scalar's value is relied on (constant map keys: mark_chain_precision_batch). */
  void markSlot(int frameno, int spi) {
    frame = env.cur.curframe;
    stackMask[frameno] |= 1L << spi;
    run(env.cur);
  }

  /** propagate_precision(): what was precise in the state we pruned against is precise here. */
  void propagate(VerifierState old, VerifierState cur, int[] liveRegs, long[] deadStack) {
    frame = old.curframe;
    for (int fr = old.curframe; fr >= 0; fr--) {
      FuncState f = old.frames[fr];
      StringBuilder sb = env.level2() ? new StringBuilder() : null;
      for (int i = 0; i < 10; i++) {
        RegState r = f.regs[i];
        if (r.type != RegType.SCALAR || !r.precise || (liveRegs[fr] & (1 << i)) == 0) {
          continue;
        }
        if (sb != null) {
          sb.append(sb.length() == 0 ? "frame " + fr + ": propagating r" : ",r").append(i);
        }
        regMask[fr] |= 1 << i;
      }
      for (int spi = 0; spi < f.stack.size(); spi++) {
        StackSlot s = f.stack.get(spi);
        if (!s.isSpill() || s.spilled.type != RegType.SCALAR || !s.spilled.precise) {
          continue;
        }
        if (deadStack != null && spi < 64 && (deadStack[fr] & (1L << spi)) != 0) {
          continue; // cleaned from the explored state
        }
        if (sb != null) {
          int off = -(spi + 1) * 8;
          sb.append(sb.length() == 0 ? "frame " + fr + ": propagating fp" + off : ",fp" + off);
        }
        stackMask[fr] |= 1L << spi;
      }
      if (sb != null && sb.length() > 0) {
        env.verbose(sb.append('\n').toString());
      }
    }
    run(cur);
  }

  private boolean empty() {
    for (int f = 0; f < Verifier.MAX_CALL_FRAMES; f++) {
      if (regMask[f] != 0 || stackMask[f] != 0) {
        return false;
      }
    }
    return true;
  }

  private void reset() {
    java.util.Arrays.fill(regMask, 0);
    java.util.Arrays.fill(stackMask, 0);
  }

  /** __mark_chain_precision() from {@code start} with the masks already set. */
  private void run(VerifierState start) {
    if (empty()) {
      return;
    }
    VerifierState st = start;
    int firstIdx = st.firstInsnIdx;
    int lastIdx = st.insnIdx;
    int subseqIdx = -1;
    boolean skipFirst = true;
    while (true) {
      if (env.level2()) {
        env.verbose(
            "mark_precise: frame"
                + frame
                + ": last_idx "
                + lastIdx
                + " first_idx "
                + firstIdx
                + " subseq_idx "
                + subseqIdx
                + " \n");
      }
      if (lastIdx < 0) {
        // the entry of a global function: only its arguments may still be asked for
        if (st.curframe == 0
            && st.frames[0].subprog > 0
            && stackMask[0] == 0
            && (regMask[0] & ~ARGS) == 0) {
          for (int i = 1; i <= 5; i++) {
            if ((regMask[0] & (1 << i)) != 0 && st.frames[0].regs[i].type == RegType.SCALAR) {
              st.frames[0].regs[i].precise = true;
            }
          }
          reset();
          return;
        }
        markAll(start);
        return;
      }
      InsnHist h = st.hist;
      int i = lastIdx;
      while (true) {
        if (skipFirst) {
          skipFirst = false;
        } else {
          InsnHist e = h != null && h.idx == i ? h : null;
          if (!backtrackInsn(i, subseqIdx, e)) {
            markAll(start);
            return;
          }
        }
        if (empty()) {
          return;
        }
        subseqIdx = i;
        // get_prev_insn_idx()
        if (i == firstIdx && (h == null || (h.count == 1 && h.idx == i))) {
          break;
        }
        if (h != null && h.idx == i) {
          i = h.prevIdx;
          h = h.older;
        } else {
          i--;
        }
        if (i < 0 || i >= env.insns.length) {
          markAll(start);
          return;
        }
      }
      VerifierState.Checkpoint parent = st.parent;
      if (parent == null) {
        break;
      }
      st = parent.state;
      for (int fr = frame; fr >= 0; fr--) {
        FuncState func = st.frames[fr];
        for (int r = 0; r < FuncState.MAX_REGS; r++) {
          if ((regMask[fr] & (1 << r)) == 0) {
            continue;
          }
          RegState reg = func.regs[r];
          if (reg.type != RegType.SCALAR || reg.precise) {
            regMask[fr] &= ~(1 << r);
          } else {
            reg.precise = true;
          }
        }
        for (int spi = 0; spi < 64; spi++) {
          if ((stackMask[fr] & (1L << spi)) == 0) {
            continue;
          }
          StackSlot s = func.slotOrNull(spi);
          if (s == null || !s.isSpill() || s.spilled.type != RegType.SCALAR || s.spilled.precise) {
            stackMask[fr] &= ~(1L << spi);
          } else {
            func.writableSlot(spi).spilled.precise = true;
          }
        }
        if (env.level2()) {
          env.verbose(
              "mark_precise: frame"
                  + fr
                  + ": parent state regs="
                  + regs(regMask[fr])
                  + " stack="
                  + slots(stackMask[fr])
                  + ": "
                  + env.stateString(func, true)
                  + "\n");
        }
      }
      if (empty()) {
        return;
      }
      subseqIdx = firstIdx;
      lastIdx = st.lastInsnIdx;
      firstIdx = st.firstInsnIdx;
    }
    if (!empty()) {
      markAll(start);
    }
  }

  /** mark_all_scalars_precise(): the big hammer, for every checkpoint above {@code st}. */
  private void markAll(VerifierState st) {
    reset();
    for (VerifierState.Checkpoint ck = st.parent; ck != null; ck = ck.parent) {
      VerifierState s = ck.state;
      for (int f = 0; f <= s.curframe; f++) {
        FuncState func = s.frames[f];
        for (int r = 0; r < 10; r++) {
          RegState reg = func.regs[r];
          if (reg.type == RegType.SCALAR && !reg.precise) {
            reg.precise = true;
            if (env.level2()) {
              env.verbose("force_precise: frame" + f + ": forcing r" + r + " to be precise\n");
            }
          }
        }
        for (int spi = 0; spi < func.stack.size(); spi++) {
          StackSlot slot = func.stack.get(spi);
          if (slot.isSpill() && slot.spilled.type == RegType.SCALAR && !slot.spilled.precise) {
            func.writableSlot(spi).spilled.precise = true;
            if (env.level2()) {
              env.verbose(
                  "force_precise: frame"
                      + f
                      + ": forcing fp"
                      + (-(spi + 1) * 8)
                      + " to be precise\n");
            }
          }
        }
      }
    }
  }

  private boolean regSet(int r) {
    return (regMask[frame] & (1 << r)) != 0;
  }

  private void setReg(int r) {
    regMask[frame] |= 1 << r;
  }

  private void clearReg(int r) {
    regMask[frame] &= ~(1 << r);
  }

  private void syncLinked(InsnHist e) {
    if (e == null || e.linked == null) {
      return;
    }
    boolean some = false;
    for (int c : e.linked) {
      int fr = c >> 8;
      int n = c & 0x7f;
      boolean isReg = (c & 0x80) != 0;
      if (isReg ? (regMask[fr] & (1 << n)) != 0 : (stackMask[fr] & (1L << n)) != 0) {
        some = true;
        break;
      }
    }
    if (!some) {
      return;
    }
    for (int c : e.linked) {
      int fr = c >> 8;
      int n = c & 0x7f;
      if ((c & 0x80) != 0) {
        regMask[fr] |= 1 << n;
      } else {
        stackMask[fr] |= 1L << n;
      }
    }
  }

  /** backtrack_insn(): false where the kernel gives up (-ENOTSUPP or a verifier bug). */
  private boolean backtrackInsn(int idx, int subseqIdx, InsnHist e) {
    Insn insn = env.insns[idx];
    if (insn.opcode() == 0) {
      return true; // second half of ld_imm64
    }
    if (env.level2()) {
      env.verbose(
          "mark_precise: frame"
              + frame
              + ": regs="
              + regs(regMask[frame])
              + " stack="
              + slots(stackMask[frame])
              + " before "
              + idx
              + ": "
              + env.disasm.format(env.insns, idx)
              + "\n");
    }
    syncLinked(e);
    int cls = insn.cls();
    int op = insn.opcode() & 0xf0;
    int dreg = insn.dst();
    int sreg = insn.src();
    boolean x = (insn.opcode() & Opcodes.X) != 0;
    switch (cls) {
      case Opcodes.ALU:
      case Opcodes.ALU64:
        if (!regSet(dreg)) {
          return true;
        }
        if (op == Opcodes.END || op == Opcodes.NEG) {
          return true;
        } else if (op == Opcodes.MOV) {
          clearReg(dreg);
          if (x && sreg != 10) {
            setReg(sreg);
          }
        } else if (x && sreg != 10) {
          setReg(sreg);
        }
        break;
      case Opcodes.LDX:
        if (!regSet(dreg)) {
          return true;
        }
        clearReg(dreg);
        if (e == null || !e.stackAccess()) {
          return true;
        }
        stackMask[e.stackFrame] |= 1L << e.stackSpi;
        break;
      case Opcodes.STX:
      case Opcodes.ST:
        if (regSet(dreg)) {
          return false; // a scalar used as an address: pointer subtraction somewhere
        }
        if (e == null || !e.stackAccess()) {
          return true;
        }
        if ((stackMask[e.stackFrame] & (1L << e.stackSpi)) == 0) {
          return true;
        }
        stackMask[e.stackFrame] &= ~(1L << e.stackSpi);
        if (cls == Opcodes.STX) {
          setReg(sreg);
        }
        break;
      case Opcodes.JMP:
      case Opcodes.JMP32:
        return backtrackJmp(insn, idx, subseqIdx, e, op, x, dreg, sreg);
      default: // LD: ld_imm64 (ld_abs/ind are not XDP instructions)
        if (!regSet(dreg)) {
          return true;
        }
        clearReg(dreg);
        if (insn.opcode() != Opcodes.LD_IMM64) {
          return false;
        }
        break;
    }
    syncLinked(e);
    return true;
  }

  private boolean backtrackJmp(
      Insn insn, int idx, int subseqIdx, InsnHist e, int op, boolean x, int dreg, int sreg) {
    if (Cfg.isPseudoCall(insn)) {
      int sub = env.cfg.subprogAt(idx + insn.imm() + 1);
      if (sub >= 0 && env.cfg.subprog(sub).global) {
        if ((regMask[frame] & ARGS) != 0) {
          return false;
        }
        clearReg(0);
        return true;
      }
      // the call that entered the frame we are leaving: arguments go to the caller
      if ((regMask[frame] & ~ARGS) != 0 || stackMask[frame] != 0 || frame == 0) {
        return false;
      }
      int args = regMask[frame] & ARGS;
      regMask[frame] = 0;
      frame--;
      regMask[frame] |= args;
      return true;
    }
    if (env.cfg.callsCallback(idx) && idx != subseqIdx - 1) {
      // back from the callback into the helper that runs it: r1-r5 were set by the helper
      if ((regMask[frame] & ~ARGS) != 0 || stackMask[frame] != 0 || frame == 0) {
        return false;
      }
      regMask[frame] = 0;
      frame--;
      return true;
    }
    if (op == Opcodes.CALL) {
      if (insn.src() == Opcodes.PSEUDO_KFUNC_CALL && insn.imm() == 0) {
        return false;
      }
      clearReg(0);
      return (regMask[frame] & ARGS) == 0;
    }
    if (op == Opcodes.EXIT) {
      if (subseqIdx >= 0 && env.cfg.callsCallback(subseqIdx)) {
        regMask[frame] &= ~ARGS;
      }
      if ((regMask[frame] & ARGS) != 0) {
        return false;
      }
      boolean r0 = subseqIdx - 1 >= 0 && Cfg.isPseudoCall(env.insns[subseqIdx - 1]) && regSet(0);
      clearReg(0);
      if (frame + 1 >= Verifier.MAX_CALL_FRAMES) {
        return false;
      }
      frame++;
      if (r0) {
        setReg(0);
      }
      return true;
    }
    if (x) {
      if (!regSet(dreg) && !regSet(sreg)) {
        return true;
      }
      setReg(sreg);
      setReg(dreg);
    }
    syncLinked(e);
    return true;
  }

  // ---------------------------------------------------------------- widening

  /**
   * widen_imprecise_scalars(): after a callback run, scalars that changed since the same call site
   * was last checkpointed on this path and are not precise lose their value, so the next runs
   * converge instead of counting up.
   */
  void widen(VerifierState old, VerifierState cur) {
    RegCompare cmp = new RegCompare(RegCompare.EXACT, env.allowUninitStack);
    for (int fr = old.curframe; fr >= 0; fr--) {
      FuncState fo = old.frames[fr];
      FuncState fc = cur.frames[fr];
      for (int i = 0; i < FuncState.MAX_REGS; i++) {
        if (mustWiden(cmp, fo.regs[i], fc.regs[i])) {
          fc.regs[i].markUnknown();
        }
      }
      int n = Math.min(fo.stack.size(), fc.stack.size());
      for (int spi = 0; spi < n; spi++) {
        StackSlot so = fo.stack.get(spi);
        StackSlot sc = fc.stack.get(spi);
        if (so.isSpill() && sc.isSpill() && mustWiden(cmp, so.spilled, sc.spilled)) {
          fc.writableSlot(spi).spilled.markUnknown();
        }
      }
    }
  }

  /** A current scalar that differs from the old state's imprecise one loses its value. */
  private static boolean mustWiden(RegCompare cmp, RegState o, RegState c) {
    if (o.type != RegType.SCALAR || c.type != RegType.SCALAR) {
      return false;
    }
    return !o.precise && !c.precise && !cmp.regsafe(o, c);
  }

  // ---------------------------------------------------------------- log text

  private static String regs(int mask) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 32; i++) {
      if ((mask & (1 << i)) != 0) {
        sb.append(sb.length() == 0 ? "" : ",").append('r').append(i);
      }
    }
    return sb.toString();
  }

  private static String slots(long mask) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 64; i++) {
      if ((mask & (1L << i)) != 0) {
        sb.append(sb.length() == 0 ? "" : ",").append(-(i + 1) * 8);
      }
    }
    return sb.toString();
  }
}
