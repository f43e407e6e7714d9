package io.xdpemu.verifier;

import io.xdpemu.ebpf.isa.Opcodes;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The kernel's loop bookkeeping of 6.16+ (compute_scc(), maybe_enter_scc(), add_scc_backedge(),
 * maybe_exit_scc()): instructions are grouped in strongly connected components of each function's
 * control flow graph (a bpf_loop / bpf_for_each_map_elem call is its own loop, the callback
 * returning to it); a path inside a component belongs to a "visit" named by the call sites leading
 * to it. A prune against a state still being explored at a callback call is a backedge: the kernel
 * keeps a copy of the current state until every path of the visit is explored, and counts it in
 * peak_states. While a visit has backedges its states' read marks are incomplete
 * (incomplete_read_marks()).
 */
final class SccVisits {
  private final Verifier env;

  /** Component of each instruction, 0 when it is in no loop. */
  private final int[] scc;

  private final Map<Key, Visit> visits = new HashMap<>();

  /** Backedge states alive (env->num_backedges), counted in peak_states. */
  int backedges;

  SccVisits(Verifier env) {
    this.env = env;
    this.scc = computeScc();
  }

  private record Key(int[] callchain) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(callchain, k.callchain);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(callchain);
    }
  }

  private static final class Visit {
    VerifierState.Checkpoint entry;
    int backedges;
  }

  /**
   * compute_scc_callchain(): the call sites up to the outermost frame whose instruction is in a
   * component, then that component; null when no frame is in one.
   */
  private Key key(VerifierState st) {
    for (int i = 0; i <= st.curframe; i++) {
      int at = i == st.curframe ? st.insnIdx : st.frames[i + 1].callsite;
      if (at >= 0 && at < scc.length && scc[at] != 0) {
        int[] chain = new int[i + 1];
        for (int j = 0; j < i; j++) {
          chain[j] = st.frames[j + 1].callsite;
        }
        chain[i] = scc[at];
        return new Key(chain);
      }
    }
    return null;
  }

  /** maybe_enter_scc(): a new explored state; the first of a visit is its entry. */
  void entered(VerifierState.Checkpoint ck) {
    Key k = key(ck.state);
    if (k == null) {
      return;
    }
    Visit v = visits.computeIfAbsent(k, x -> new Visit());
    if (v.entry == null) {
      v.entry = ck;
      if (env.level2()) {
        env.verbose("SCC enter " + format(k) + "\n");
      }
    }
  }

  /** add_scc_backedge(): the current state matched {@code ck}, a state of an unfinished loop. */
  void backedge(VerifierState.Checkpoint ck) {
    Key k = key(ck.state);
    Visit v = k == null ? null : visits.get(k);
    if (v == null) {
      return;
    }
    if (env.level2()) {
      env.verbose("SCC backedge " + format(k) + "\n");
    }
    v.backedges++;
    backedges++;
  }

  /** maybe_exit_scc(): {@code ck} has no path left; if it entered its visit, the visit ends. */
  void finished(VerifierState.Checkpoint ck) {
    Key k = key(ck.state);
    Visit v = k == null ? null : visits.get(k);
    if (v == null || v.entry != ck) {
      return;
    }
    if (env.level2()) {
      env.verbose("SCC exit " + format(k) + "\n");
    }
    v.entry = null;
    backedges -= v.backedges;
    v.backedges = 0;
  }

  /** incomplete_read_marks(). */
  boolean incomplete(VerifierState.Checkpoint ck) {
    Key k = key(ck.state);
    Visit v = k == null ? null : visits.get(k);
    return v != null && v.backedges > 0;
  }

  private static String format(Key k) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < k.callchain.length - 1; i++) {
      sb.append(k.callchain[i]).append(',');
    }
    return sb.append(k.callchain[k.callchain.length - 1]).append(')').toString();
  }

  // ---------------------------------------------------------------- components

  private int[] successors(int pc) {
    if (pc > 0 && Cfg.isLdImm64(env.insns[pc - 1]) && env.insns[pc].opcode() == 0) {
      return new int[0];
    }
    int cls = env.insns[pc].cls();
    if ((cls == Opcodes.JMP || cls == Opcodes.JMP32)
        && (env.insns[pc].opcode() & 0xf0) == Opcodes.EXIT) {
      return new int[0];
    }
    int[] s = env.cfg.successors(pc).stream().mapToInt(Integer::intValue).toArray();
    if (env.cfg.callsCallback(pc)) {
      s = Arrays.copyOf(s, s.length + 1);
      s[s.length - 1] = pc; // the callback returns to the call: a loop of its own
    }
    return s;
  }

  /** Tarjan's algorithm, iteratively; components of one instruction without a self edge get 0. */
  private int[] computeScc() {
    int n = env.insns.length;
    int[] result = new int[n];
    int[] pre = new int[n];
    int[] low = new int[n];
    boolean[] onStack = new boolean[n];
    int[][] succ = new int[n][];
    int[] next = new int[n];
    int counter = 0;
    int ids = 0;
    ArrayDeque<Integer> stack = new ArrayDeque<>();
    ArrayDeque<Integer> dfs = new ArrayDeque<>();
    for (int root = 0; root < n; root++) {
      if (pre[root] != 0) {
        continue;
      }
      dfs.push(root);
      while (!dfs.isEmpty()) {
        int w = dfs.peek();
        if (pre[w] == 0) {
          pre[w] = low[w] = ++counter;
          stack.push(w);
          onStack[w] = true;
          succ[w] = successors(w);
        }
        boolean descended = false;
        while (next[w] < succ[w].length) {
          int s = succ[w][next[w]++];
          if (s < 0 || s >= n) {
            continue;
          }
          if (pre[s] == 0) {
            dfs.push(s);
            descended = true;
            break;
          }
          if (onStack[s]) {
            low[w] = Math.min(low[w], pre[s]);
          }
        }
        if (descended) {
          continue;
        }
        dfs.pop();
        if (!dfs.isEmpty()) {
          int parent = dfs.peek();
          low[parent] = Math.min(low[parent], low[w]);
        }
        if (low[w] == pre[w]) {
          boolean selfEdge = false;
          for (int s : succ[w]) {
            selfEdge |= s == w;
          }
          boolean assign = stack.peek() != w || selfEdge;
          if (assign) {
            ids++;
          }
          int t;
          do {
            t = stack.pop();
            onStack[t] = false;
            if (assign) {
              result[t] = ids;
            }
          } while (t != w);
        }
      }
    }
    return result;
  }
}
