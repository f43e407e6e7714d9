package io.xdpemu.verifier;

import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The first pass, like the kernel's {@code add_subprog_and_kfunc()}, {@code check_subprogs()},
 * {@code check_cfg()} and 6.18's {@code compute_live_registers()}: finds the subprograms, checks
 * that jumps stay inside their function and every instruction is reachable, marks prune points, and
 * computes which registers are live before each instruction (used by state pruning).
 */
final class Cfg {
  static final int MAX_SUBPROGS = 256;

  /** One function of the program ({@code struct bpf_subprog_info}). */
  static final class Subprog {
    final int start;
    int end;
    String name;
    boolean global;
    ProgramInfo.FunctionInfo fn;
    boolean called;

    /** Calls, directly or through subprograms, a helper that changes packet data. */
    boolean changesPktData;

    Subprog(int start) {
      this.start = start;
    }
  }

  private final Verifier env;
  private final Insn[] insns;
  private final List<Subprog> subprogs = new ArrayList<>();
  private boolean[] prunePoint;
  private boolean[] forceCheckpoint;

  /** Instructions whose predecessor precision backtracking must find in the history. */
  private boolean[] jmpPoint;

  private int[] liveBefore;

  Cfg(Verifier env) {
    this.env = env;
    this.insns = env.insns;
  }

  int subprogCount() {
    return subprogs.size();
  }

  Subprog subprog(int i) {
    return subprogs.get(i);
  }

  /** find_subprog(): index of the subprogram starting at {@code start}, or -1. */
  int subprogAt(int start) {
    for (int i = 0; i < subprogs.size(); i++) {
      if (subprogs.get(i).start == start) {
        return i;
      }
    }
    return -1;
  }

  int subprogOf(int pc) {
    for (int i = subprogs.size() - 1; i >= 0; i--) {
      if (subprogs.get(i).start <= pc) {
        return i;
      }
    }
    return 0;
  }

  void markCalled(int i) {
    subprogs.get(i).called = true;
  }

  boolean isPrunePoint(int pc) {
    return prunePoint[pc];
  }

  /** mark_jmp_point(): branch and call targets, returns, callback-calling helper calls. */
  boolean isJmpPoint(int pc) {
    return jmpPoint[pc];
  }

  boolean isForceCheckpoint(int pc) {
    return forceCheckpoint[pc];
  }

  int liveRegsBefore(int pc, boolean current) {
    return liveBefore[pc];
  }

  static boolean isLdImm64(Insn insn) {
    return insn.opcode() == Opcodes.LD_IMM64;
  }

  static boolean isPseudoCall(Insn insn) {
    return insn.opcode() == Opcodes.CALL_OP && insn.src() == Opcodes.PSEUDO_CALL;
  }

  void analyze() {
    findSubprogs();
    checkSubprogs();
    prunePoint = new boolean[insns.length];
    forceCheckpoint = new boolean[insns.length];
    jmpPoint = new boolean[insns.length];
    checkReachable();
    computePktDataChanges();
    computeLiveness();
    if (env.level2()) {
      for (int i = 0; i < subprogs.size(); i++) {
        env.verbose("func#" + i + " @" + subprogs.get(i).start + "\n");
      }
      printLiveness();
    }
  }

  private void findSubprogs() {
    TreeMap<Integer, Subprog> byStart = new TreeMap<>();
    byStart.put(0, new Subprog(0));
    for (ProgramInfo.FunctionInfo fn : env.info.functions()) {
      if (fn.start() < 0 || fn.start() >= insns.length) {
        continue;
      }
      Subprog sp = byStart.get(fn.start());
      if (sp == null) {
        sp = new Subprog(fn.start());
        byStart.put(fn.start(), sp);
      }
      sp.fn = fn;
      sp.name = fn.name();
      sp.global = fn.global() && fn.start() != 0;
    }
    for (int pc = 0; pc < insns.length; pc++) {
      Insn insn = insns[pc];
      boolean pseudoFunc = isLdImm64(insn) && insn.src() == Opcodes.PSEUDO_FUNC;
      if (isPseudoCall(insn) || pseudoFunc) {
        int target = pc + insn.imm() + 1;
        if (target < 0 || target >= insns.length) {
          throw env.reject("function offset " + insn.imm() + " is out of range");
        }
        byStart.putIfAbsent(target, new Subprog(target));
      }
      if (isLdImm64(insn)) {
        pc++;
      }
    }
    if (byStart.size() > MAX_SUBPROGS) {
      throw env.reject("too many subprograms");
    }
    subprogs.addAll(byStart.values());
    for (int i = 0; i < subprogs.size(); i++) {
      Subprog sp = subprogs.get(i);
      sp.end = i + 1 < subprogs.size() ? subprogs.get(i + 1).start : insns.length;
      if (sp.name == null) {
        sp.name = i == 0 ? env.info.name() : "func#" + i;
      }
    }
  }

  /** check_subprogs(): jumps stay within their function, which ends in exit or jump. */
  private void checkSubprogs() {
    for (Subprog sp : subprogs) {
      for (int pc = sp.start; pc < sp.end; pc++) {
        Insn insn = insns[pc];
        if (isLdImm64(insn)) {
          if (pc + 1 >= insns.length || insns[pc + 1].opcode() != 0) {
            throw env.reject("invalid bpf_ld_imm64 insn");
          }
          pc++;
          continue;
        }
        int cls = insn.cls();
        if (cls != Opcodes.JMP && cls != Opcodes.JMP32) {
          continue;
        }
        int op = insn.opcode() & 0xf0;
        if (op == Opcodes.EXIT || op == Opcodes.CALL) {
          continue;
        }
        int off = (cls == Opcodes.JMP32 && op == Opcodes.JA) ? insn.imm() : insn.off();
        int target = pc + off + 1;
        if (target < sp.start || target >= sp.end) {
          throw env.reject("jump out of range from insn " + pc + " to " + target);
        }
      }
      int last = sp.end - 1;
      if (last > sp.start && insns[last].opcode() == 0 && isLdImm64(insns[last - 1])) {
        throw env.reject("last insn is not an exit or jmp");
      }
      Insn li = insns[last];
      int lop = li.opcode() & 0xf0;
      boolean jmpClass = li.cls() == Opcodes.JMP || li.cls() == Opcodes.JMP32;
      if (!jmpClass || (lop != Opcodes.EXIT && lop != Opcodes.JA)) {
        throw env.reject("last insn is not an exit or jmp");
      }
    }
  }

  /** Successors of {@code pc} inside its function (calls fall through). */
  List<Integer> successors(int pc) {
    List<Integer> out = new ArrayList<>(2);
    Insn insn = insns[pc];
    if (isLdImm64(insn)) {
      out.add(pc + 2);
      return out;
    }
    int cls = insn.cls();
    if (cls == Opcodes.JMP || cls == Opcodes.JMP32) {
      int op = insn.opcode() & 0xf0;
      if (op == Opcodes.EXIT) {
        return out;
      }
      if (op == Opcodes.CALL) {
        out.add(pc + 1);
        return out;
      }
      int off = (cls == Opcodes.JMP32 && op == Opcodes.JA) ? insn.imm() : insn.off();
      if (op == Opcodes.JA) {
        out.add(pc + off + 1);
        return out;
      }
      out.add(pc + 1);
      out.add(pc + off + 1);
      return out;
    }
    out.add(pc + 1);
    return out;
  }

  /** check_cfg(): every instruction reachable; prune points at branch targets and after calls. */
  private void checkReachable() {
    boolean[] seen = new boolean[insns.length];
    ArrayList<Integer> work = new ArrayList<>();
    work.add(0);
    seen[0] = true;
    while (!work.isEmpty()) {
      int pc = work.remove(work.size() - 1);
      Insn insn = insns[pc];
      int cls = insn.cls();
      boolean jmpClass = cls == Opcodes.JMP || cls == Opcodes.JMP32;
      int op = insn.opcode() & 0xf0;
      List<Integer> succ = successors(pc);
      if (jmpClass && op == Opcodes.CALL) {
        markPrune(pc + 1);
        markJmp(pc + 1);
        if (insn.src() == Opcodes.PSEUDO_CALL) {
          markPrune(pc);
          int target = pc + insn.imm() + 1;
          markPrune(target);
          markJmp(target);
          succ.add(target);
        } else if (insn.src() == 0 && isCallbackHelper(insn.imm())) {
          forceCheckpoint[pc] = true;
          markPrune(pc);
          markJmp(pc);
        }
      } else if (isLdImm64(insn) && insn.src() == Opcodes.PSEUDO_FUNC) {
        // visit_func_call_insn(): the instruction, the one after it and the callee's entry
        markPrune(pc);
        markPrune(pc + 2);
        markJmp(pc + 2);
        int target = pc + insn.imm() + 1;
        markPrune(target);
        markJmp(target);
        succ.add(target);
      } else if (jmpClass && op != Opcodes.EXIT) {
        if (op != Opcodes.JA) {
          markPrune(pc);
        }
        for (int s : succ) {
          if (s != pc + 1 || op == Opcodes.JA) {
            markPrune(s);
            markJmp(s);
          }
        }
      }
      for (int s : succ) {
        if (s >= insns.length) {
          throw env.reject("jump out of range from insn " + pc + " to " + s);
        }
        if (!seen[s]) {
          seen[s] = true;
          work.add(s);
        }
      }
    }
    for (Subprog sp : subprogs) {
      if (sp.global && !seen[sp.start]) {
        markSeenFrom(sp.start, seen);
      }
    }
    for (int pc = 0; pc < insns.length; pc++) {
      if (!seen[pc]) {
        if (pc > 0 && isLdImm64(insns[pc - 1]) && seen[pc - 1]) {
          continue;
        }
        throw env.reject("unreachable insn " + pc);
      }
    }
  }

  private void markSeenFrom(int start, boolean[] seen) {
    ArrayList<Integer> work = new ArrayList<>();
    work.add(start);
    seen[start] = true;
    while (!work.isEmpty()) {
      int pc = work.remove(work.size() - 1);
      List<Integer> succ = successors(pc);
      Insn insn = insns[pc];
      if (isPseudoCall(insn) || (isLdImm64(insn) && insn.src() == Opcodes.PSEUDO_FUNC)) {
        succ.add(pc + insn.imm() + 1);
      }
      for (int s : succ) {
        if (s < insns.length && !seen[s]) {
          seen[s] = true;
          work.add(s);
        }
      }
    }
  }

  /** calls_callback(): {@code pc} is a call of bpf_loop or bpf_for_each_map_elem. */
  boolean callsCallback(int pc) {
    Insn insn = insns[pc];
    return insn.opcode() == Opcodes.CALL_OP && insn.src() == 0 && isCallbackHelper(insn.imm());
  }

  static boolean isCallbackHelper(int id) {
    return id == HelperProtos.LOOP || id == HelperProtos.FOR_EACH_MAP_ELEM;
  }

  private void markJmp(int pc) {
    if (pc >= 0 && pc < jmpPoint.length) {
      jmpPoint[pc] = true;
    }
  }

  private void markPrune(int pc) {
    if (pc >= 0 && pc < prunePoint.length) {
      prunePoint[pc] = true;
    }
  }

  // ---------------------------------------------------------------- liveness

  private int uses(int pc) {
    Insn insn = insns[pc];
    int cls = insn.cls();
    int op = insn.opcode() & 0xf0;
    boolean x = (insn.opcode() & Opcodes.X) != 0;
    switch (cls) {
      case Opcodes.ALU:
      case Opcodes.ALU64:
        if (op == Opcodes.MOV) {
          return x ? bit(insn.src()) : 0;
        }
        if (op == Opcodes.NEG || op == Opcodes.END) {
          return bit(insn.dst());
        }
        return bit(insn.dst()) | (x ? bit(insn.src()) : 0);
      case Opcodes.LDX:
        return bit(insn.src());
      case Opcodes.STX:
        if ((insn.opcode() & 0xe0) == Opcodes.ATOMIC && insn.imm() == Opcodes.CMPXCHG) {
          return bit(insn.dst()) | bit(insn.src()) | bit(0);
        }
        return bit(insn.dst()) | bit(insn.src());
      case Opcodes.ST:
        return bit(insn.dst());
      case Opcodes.LD:
        if (isLdImm64(insn)) {
          return 0;
        }
        return bit(6) | ((insn.opcode() & 0xe0) == Opcodes.IND ? bit(insn.src()) : 0);
      default:
        if (op == Opcodes.EXIT) {
          return bit(0);
        }
        if (op == Opcodes.CALL) {
          if (insn.src() == 0) {
            HelperProto p = HelperProtos.get(insn.imm());
            int n = p == null ? 5 : p.argCount();
            return ((1 << (n + 1)) - 1) & ~1;
          }
          if (insn.src() == Opcodes.PSEUDO_KFUNC_CALL) {
            int n = kfuncParams(pc); // get_call_summary(): the prototype's parameters
            return n < 0 ? 0x3e : ((1 << (n + 1)) - 1) & ~1;
          }
          return 0x3e;
        }
        if (op == Opcodes.JA) {
          return 0;
        }
        return bit(insn.dst()) | (x ? bit(insn.src()) : 0);
    }
  }

  /** The number of parameters of the kfunc called at {@code pc}, or -1 when unknown. */
  private int kfuncParams(int pc) {
    String name = env.info.kfuncName(pc);
    io.xdpemu.ebpf.btf.Btf btf = env.info.kernelBtf();
    int fid = name == null || btf == null ? -1 : btf.find(name, io.xdpemu.ebpf.btf.BtfKind.FUNC);
    if (fid < 0
        || !(btf.type(btf.type(fid).ref()) instanceof io.xdpemu.ebpf.btf.BtfType.FuncProto p)) {
      return -1;
    }
    return Math.min(p.params().size(), 5);
  }

  private int defs(int pc) {
    Insn insn = insns[pc];
    int cls = insn.cls();
    int op = insn.opcode() & 0xf0;
    switch (cls) {
      case Opcodes.ALU:
      case Opcodes.ALU64:
      case Opcodes.LDX:
        return bit(insn.dst());
      case Opcodes.STX:
        if ((insn.opcode() & 0xe0) == Opcodes.ATOMIC) {
          if (insn.imm() == Opcodes.CMPXCHG) {
            return bit(0);
          }
          if ((insn.imm() & Opcodes.FETCH) != 0) {
            return bit(insn.src());
          }
        }
        return 0;
      case Opcodes.LD:
        return isLdImm64(insn) ? bit(insn.dst()) : 0x3f;
      case Opcodes.ST:
        return 0;
      default:
        return op == Opcodes.CALL ? 0x3f : 0;
    }
  }

  private static int bit(int r) {
    return 1 << r;
  }

  private void computeLiveness() {
    int n = insns.length;
    liveBefore = new int[n];
    int[] use = new int[n];
    int[] def = new int[n];
    for (int pc = 0; pc < n; pc++) {
      use[pc] = uses(pc);
      def[pc] = defs(pc);
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int pc = n - 1; pc >= 0; pc--) {
        if (pc > 0 && isLdImm64(insns[pc - 1])) {
          continue;
        }
        int out = 0;
        for (int s : successors(pc)) {
          if (s < n) {
            out |= liveBefore[s];
          }
        }
        int in = use[pc] | (out & ~def[pc]);
        if (in != liveBefore[pc]) {
          liveBefore[pc] = in;
          changed = true;
        }
      }
    }
  }

  /** The 6.13+ changes_pkt_data mark of subprograms, propagated through BPF-to-BPF calls. */
  private void computePktDataChanges() {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Subprog sp : subprogs) {
        if (sp.changesPktData) {
          continue;
        }
        for (int pc = sp.start; pc < sp.end; pc++) {
          Insn insn = insns[pc];
          boolean changes = false;
          if (insn.opcode() == Opcodes.CALL_OP && insn.src() == 0) {
            HelperProto p = HelperProtos.get(insn.imm());
            changes = p != null && p.changesPktData();
          } else if (isPseudoCall(insn)) {
            int callee = subprogAt(pc + insn.imm() + 1);
            changes = callee >= 0 && subprogs.get(callee).changesPktData;
          }
          if (changes) {
            sp.changesPktData = true;
            changed = true;
            break;
          }
        }
      }
    }
  }

  /** The 6.18 "Live regs before insn:" table. */
  private void printLiveness() {
    env.verbose("Live regs before insn:\n");
    for (int pc = 0; pc < insns.length; pc++) {
      if (pc > 0 && isLdImm64(insns[pc - 1])) {
        continue;
      }
      StringBuilder sb = new StringBuilder();
      for (int r = 0; r < 10; r++) {
        sb.append((liveBefore[pc] & (1 << r)) != 0 ? (char) ('0' + r) : '.');
      }
      env.verbose(String.format("%7d: %s %s\n", pc, sb, env.disasm.format(insns, pc)));
    }
  }
}
