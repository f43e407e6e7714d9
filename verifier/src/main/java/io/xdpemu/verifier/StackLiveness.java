package io.xdpemu.verifier;

import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Which stack slots may still be read, as Linux 6.18's kernel/bpf/liveness.c answers it: while
 * paths are explored, every instruction records the slots it reads ("may_read", a union over the
 * paths seen) and the whole 8-byte slots it always writes ("must_write", an intersection); at the
 * end of each path and at each return from a subprogram a live-variable data flow turns them into
 * the slots live before each instruction. Facts are kept per call chain (the call sites leading to
 * a function), so a subprogram that always writes its caller's slot kills it at the call site.
 *
 * <p>{@link StatePruner} uses the answer once per explored state, when no path below it is left
 * (clean_live_states()): dead slots count as never written when states are compared. A slot dead by
 * this analysis was not read by any path from that state, so treating it as garbage is safe.
 */
final class StackLiveness {
  private final Verifier env;

  /** bpf_insn_successors(), per instruction. */
  private final int[][] successors;

  /** Function instances by call chain (the kernel's func_instances table). */
  private final Map<Chain, Instance> instances = new HashMap<>();

  /** The instance of the current state's innermost frame, or null until needed (cur_instance). */
  private Instance current;

  /** The last instance looked up for an outermost frame (never removed from {@link #instances}). */
  private Instance outermost;

  /** Slots written by the instruction being processed, per frame, until committed. */
  private final long[] writeAcc = new long[Verifier.MAX_CALL_FRAMES];

  private int writeIdx;

  StackLiveness(Verifier env) {
    this.env = env;
    this.successors = new int[env.insns.length][];
  }

  /** The call sites leading to a frame and the start of the frame's function. */
  private record Chain(int[] sites) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Chain c && Arrays.equals(sites, c.sites);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(sites);
    }
  }

  /** Masks per frame of the chain, per instruction of the function (struct per_frame_masks). */
  private static final class Masks {
    final long[] mayRead;
    final long[] mustWrite;
    final long[] mustWriteAcc;
    final long[] liveBefore;

    Masks(int len) {
      mayRead = new long[len];
      mustWrite = new long[len];
      mustWriteAcc = new long[len];
      liveBefore = new long[len];
    }
  }

  /** struct func_instance: one function reached through one call chain. */
  private static final class Instance {
    /** Call sites of frames 1..depth, then this function's start (the key). */
    final int[] sites;

    /** Function start of every frame 0..depth (to find the caller's instance). */
    final int[] starts;

    final int depth;
    final int start;
    final int len;
    final Masks[] frames;
    final boolean[] mustWriteSet;
    boolean updated;
    boolean mustWriteDropped;

    Instance(int[] sites, int[] starts, int len) {
      this.sites = sites;
      this.starts = starts;
      this.depth = sites.length - 1;
      this.start = starts[depth];
      this.len = len;
      this.frames = new Masks[depth + 1];
      this.mustWriteSet = new boolean[len];
    }

    Masks masks(int frame) {
      if (frames[frame] == null) {
        frames[frame] = new Masks(len);
      }
      return frames[frame];
    }
  }

  // ---------------------------------------------------------------- instances

  private Instance lookup(VerifierState st, int frameno) {
    if (frameno == 0) {
      // the outermost frame's instance is looked up at every path end: no key built for it
      int start = env.cfg.subprog(st.frames[0].subprog).start;
      if (outermost == null || outermost.start != start) {
        outermost = lookup(new int[] {start}, new int[] {start});
      }
      return outermost;
    }
    int[] sites = new int[frameno + 1];
    int[] starts = new int[frameno + 1];
    for (int i = 0; i <= frameno; i++) {
      starts[i] = env.cfg.subprog(st.frames[i].subprog).start;
      if (i < frameno) {
        sites[i] = st.frames[i + 1].callsite;
      }
    }
    sites[frameno] = starts[frameno];
    return lookup(sites, starts);
  }

  private Instance lookup(int[] sites, int[] starts) {
    Chain key = new Chain(sites);
    Instance inst = instances.get(key);
    if (inst == null) {
      Cfg.Subprog sp = env.cfg.subprog(env.cfg.subprogOf(starts[starts.length - 1]));
      inst = new Instance(sites, starts, sp.end - sp.start);
      instances.put(key, inst);
    }
    return inst;
  }

  private Instance current() {
    if (current == null) {
      current = lookup(env.cur, env.cur.curframe);
    }
    return current;
  }

  /** bpf_reset_live_stack_callchain(): the current state entered another function. */
  void callchainChanged() {
    current = null;
  }

  // ---------------------------------------------------------------- marks

  /** bpf_reset_stack_write_marks(): instruction {@code idx} starts. */
  void insnStart(int idx) {
    Instance inst = current();
    writeIdx = idx;
    Arrays.fill(writeAcc, 0, inst.depth + 1, 0L);
  }

  /** bpf_mark_stack_read(): the current instruction reads slot {@code spi} of frame {@code fr}. */
  void read(int frameno, int spi) {
    if (spi < 64) {
      read(current(), frameno, env.cur.insnIdx, 1L << spi);
    }
  }

  private static void read(Instance inst, int frameno, int idx, long mask) {
    Masks m = inst.masks(frameno);
    int rel = idx - inst.start;
    long now = m.mayRead[rel] | mask;
    if (now != m.mayRead[rel] && (now | m.liveBefore[rel]) != m.liveBefore[rel]) {
      inst.updated = true;
    }
    m.mayRead[rel] = now;
  }

  /** bpf_mark_stack_write(): all 8 bytes of slot {@code spi} of frame {@code fr} are written. */
  void write(int frameno, int spi) {
    if (spi < 64) {
      writeAcc[frameno] |= 1L << spi;
    }
  }

  /** bpf_commit_stack_write_marks(): the instruction completed. */
  void commit() {
    commit(current);
  }

  private void commit(Instance inst) {
    if (inst == null) {
      return; // the instruction entered or left a function: its writes are the callee's
    }
    int rel = writeIdx - inst.start;
    for (int fr = 0; fr <= inst.depth; fr++) {
      long mask = writeAcc[fr];
      if (mask == 0 && !inst.mustWriteSet[rel]) {
        continue;
      }
      Masks m = inst.masks(fr);
      long old = m.mustWrite[rel];
      if (inst.mustWriteSet[rel]) {
        mask &= old;
      }
      if (old != mask) {
        m.mustWrite[rel] = mask;
        inst.updated = true;
      }
      if ((old & ~mask) != 0) {
        inst.mustWriteDropped = true;
      }
    }
    inst.mustWriteSet[rel] = true;
    writeIdx = 0;
  }

  // ---------------------------------------------------------------- propagation

  /**
   * bpf_update_live_stack(): at the end of a path and at a return, bring the instances of every
   * frame of {@code st} up to date, innermost first (a callee's facts flow to its call site).
   */
  void update(VerifierState st) {
    current = null;
    for (int fr = st.curframe; fr >= 0; fr--) {
      Instance inst = lookup(st, fr);
      if (inst.updated) {
        updateInstance(inst);
        inst.updated = false;
        inst.mustWriteDropped = false;
      }
    }
  }

  private void updateInstance(Instance inst) {
    if (inst.mustWriteDropped) {
      for (Masks m : inst.frames) {
        if (m != null) {
          Arrays.fill(m.mustWriteAcc, 0L);
        }
      }
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int fr = 0; fr <= inst.depth; fr++) {
        Masks m = inst.frames[fr];
        if (m == null) {
          continue;
        }
        // backwards over the function: a good order for a backward data flow
        for (int rel = inst.len - 1; rel >= 0; rel--) {
          changed |= updateInsn(inst, m, rel);
        }
      }
    }
    if (inst.depth > 0) {
      propagateToCaller(inst);
    }
  }

  private boolean updateInsn(Instance inst, Masks m, int rel) {
    int[] succ = successors(inst.start + rel);
    if (succ.length == 0) {
      return false;
    }
    long after = 0;
    long acc = -1L;
    for (int s : succ) {
      int srel = s - inst.start;
      if (srel < 0 || srel >= inst.len) {
        continue;
      }
      after |= m.liveBefore[srel];
      acc &= m.mustWriteAcc[srel];
    }
    acc |= m.mustWrite[rel];
    long before = (after & ~m.mustWrite[rel]) | m.mayRead[rel];
    boolean changed = before != m.liveBefore[rel] || acc != m.mustWriteAcc[rel];
    m.liveBefore[rel] = before;
    m.mustWriteAcc[rel] = acc;
    return changed;
  }

  /**
   * propagate_to_outer_instance(): what a call may read of the callers' frames and surely writes
   * becomes the call instruction's in the caller's instance.
   */
  private void propagateToCaller(Instance inst) {
    int[] sites = Arrays.copyOf(inst.sites, inst.depth);
    int[] starts = Arrays.copyOf(inst.starts, inst.depth);
    sites[inst.depth - 1] = starts[inst.depth - 1];
    Instance outer = lookup(sites, starts);
    int callsite = inst.sites[inst.depth - 1];
    writeIdx = callsite;
    Arrays.fill(writeAcc, 0, outer.depth + 1, 0L);
    for (int fr = 0; fr < inst.depth; fr++) {
      Masks m = inst.frames[fr];
      if (m == null) {
        continue;
      }
      writeAcc[fr] |= m.mustWriteAcc[0];
      read(outer, fr, callsite, m.liveBefore[0]);
    }
    commit(outer);
  }

  private int[] successors(int pc) {
    int[] s = successors[pc];
    if (s == null) {
      Insn insn = env.insns[pc];
      if (pc > 0 && Cfg.isLdImm64(env.insns[pc - 1]) && insn.opcode() == 0) {
        s = new int[0]; // second half of ld_imm64: not an instruction of its own
      } else if ((insn.cls() == Opcodes.JMP || insn.cls() == Opcodes.JMP32)
          && (insn.opcode() & 0xf0) == Opcodes.EXIT) {
        s = new int[0];
      } else {
        s = env.cfg.successors(pc).stream().mapToInt(Integer::intValue).toArray();
      }
      successors[pc] = s;
    }
    return s;
  }

  // ---------------------------------------------------------------- queries

  /**
   * bpf_stack_slot_alive() for every slot below 64 at once, as a mask (bit = spi): the slots of
   * frame {@code frameno} of the explored state {@code st} that may still be read, by its own
   * function or by a caller after the call returns (or, for a callback, by a later run of the
   * callback). The instances are looked up once for all slots.
   */
  long aliveMask(VerifierState st, int frameno) {
    Instance inner = lookup(st, st.curframe);
    long mask = liveBeforeMask(inner, st.insnIdx, frameno);
    for (int i = frameno; i < st.curframe; i++) {
      int callsite = inner.sites[i];
      Instance inst = lookup(st, i);
      int at = env.cfg.callsCallback(callsite) ? callsite : callsite + 1;
      mask |= liveBeforeMask(inst, at, frameno);
    }
    return mask;
  }

  private static long liveBeforeMask(Instance inst, int idx, int frameno) {
    Masks m = inst.frames[frameno];
    int rel = idx - inst.start;
    return m != null && rel >= 0 && rel < inst.len ? m.liveBefore[rel] : 0;
  }
}
