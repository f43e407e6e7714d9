package io.xdpemu.verifier;

import io.xdpemu.ebpf.InternalErrorException;
import io.xdpemu.ebpf.XdpemuException;
import io.xdpemu.ebpf.isa.Decoder;
import io.xdpemu.ebpf.isa.Disassembler;
import io.xdpemu.ebpf.isa.EncodingException;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A static checker that mirrors the Linux 6.18 eBPF verifier for XDP programs: a control-flow pass
 * ({@link Cfg}, like check_cfg()) and then path-by-path abstract interpretation from instruction 0
 * ({@code do_check()}), with a state cache at prune points ({@code is_state_visited()}), the
 * 1,000,000 processed-instruction budget and the kernel's log and messages.
 *
 * <p>Instruction semantics live in {@link AluChecker}, {@link MemChecker}, {@link JmpChecker} and
 * {@link CallChecker}; this class owns the exploration (branch stack, checkpoints, statistics).
 */
public final class Verifier {
  public static final int MAX_CALL_FRAMES = 8;
  static final int COMPLEXITY_LIMIT_JMP_SEQ = 8192;

  final Insn[] insns;
  final VerifierOptions opts;
  final ProgramInfo info;
  final VerifierLog log;
  final Cfg cfg;
  final boolean allowPtrLeaks;
  final boolean allowUninitStack;
  final boolean bypassSpecV1;
  final boolean bypassSpecV4;

  /**
   * Stack stores that get a speculative-store barrier (insn_aux_data.nospec_result): a speculative
   * path ends right after them.
   */
  final boolean[] nospecResult;

  final AluChecker alu = new AluChecker(this);
  final MemChecker mem = new MemChecker(this);
  final JmpChecker jmp = new JmpChecker(this);
  final CallChecker calls = new CallChecker(this);
  final StatePruner pruner;
  final Precision precision = new Precision(this);
  final StackLiveness liveness;

  /** The instruction text of the log lines (print_bpf_insn with the verifier's callbacks). */
  final Disassembler disasm;

  VerifierState cur;
  int idGen;
  int insnProcessed;
  int jmpsProcessed;
  int prevJmpsProcessed;
  int prevInsnProcessed;
  final boolean[] visited;

  /** Instructions that got a speculation barrier (insn_aux_data.nospec). */
  private final boolean[] nospec;

  /** Instructions where a privileged loader turned an address into data, or null (none). */
  private boolean[] addressLeaks;

  /** Deepest stack use per subprogram, for the "stack depth" line. */
  final int[] stackDepth;

  int scratchedRegs;
  long scratchedStack;
  private boolean doPrintState;
  private String lastLineInfo;

  private final Deque<Pending> branches = new ArrayDeque<>();

  private record Pending(VerifierState state, int insnIdx, int prevInsnIdx, int logPos) {}

  private Verifier(Insn[] insns, VerifierOptions opts) {
    this.insns = insns;
    this.opts = opts;
    this.info = opts.program();
    this.log = new VerifierLog(opts.logLevel());
    this.allowPtrLeaks = opts.privileged();
    this.disasm = LogInsnText.disassembler(info, allowPtrLeaks);
    this.allowUninitStack = opts.privileged();
    this.bypassSpecV1 = opts.privileged();
    this.bypassSpecV4 = opts.privileged();
    this.cfg = new Cfg(this);
    this.pruner = new StatePruner(this);
    this.liveness = new StackLiveness(this);
    this.visited = new boolean[insns.length];
    this.nospec = new boolean[insns.length];
    this.nospecResult = new boolean[insns.length];
    this.stackDepth = new int[Cfg.MAX_SUBPROGS];
    this.facts = new FactRecorder(insns, visited, opts.program());
    preload();
  }

  /**
   * Loads and links the classes {@link #run()} needs before its clock starts: the "verification
   * time" line reports the verifier's work, as the kernel's does, not the JVM's class loading.
   */
  private void preload() {
    FuncState f = new FuncState(0, -1, 0);
    new VerifierState().frames[0] = f;
    new StackSlot().copy();
    if (log.enabled() && insns.length > 0) {
      disasm.format(insns, 0);
      StateFormatter.reg(f.regs[0], 0);
    }
  }

  /** Verifies {@code insns} (all slots of the program, main function first). */
  public static VerifierResult verify(Insn[] insns, VerifierOptions opts) {
    Verifier v = new Verifier(insns, opts);
    VerifierResult r = v.run();
    if (!r.accepted()) {
      return r;
    }
    v.facts.seal();
    return r.withFacts(v.facts); // jit (issue 13): facts of accepted programs
  }

  /** jit (issue 13): what the JIT may rely on, recorded before each non-speculative step. */
  final FactRecorder facts;

  private VerifierResult run() {
    for (Insn i : insns) {
      if (i.opcode() == Opcodes.CALL_OP && i.src() == Opcodes.PSEUDO_KFUNC_CALL) {
        // The kernel's BTF is parsed before the clock starts, as the kernel's own is at boot:
        // "verification time" is the verifier's work, not reading 5 MB of /sys/kernel/btf.
        info.kernelBtf();
        break;
      }
    }
    long start = System.nanoTime();
    boolean accepted;
    try {
      if (insns.length == 0) {
        throw reject("empty program");
      }
      checkEncodings();
      cfg.analyze();
      verifyMain();
      verifyGlobalSubprogs();
      accepted = true;
    } catch (Reject r) {
      accepted = false;
    } catch (StackOverflowError | OutOfMemoryError e) {
      log.error("verifier resource exhausted: " + e.getClass().getSimpleName());
      accepted = false;
    } catch (XdpemuException e) {
      throw e;
    } catch (RuntimeException e) {
      // A bug of ours is never a rejection: it would pass for the kernel's verdict.
      int pc = cur == null ? -1 : cur.insnIdx;
      throw new InternalErrorException("verifier at insn " + pc, e);
    }
    long elapsed = System.nanoTime() - start;
    String depth = stackDepthString();
    if (log.enabled()) {
      log.print("verification time " + (elapsed / 1000) + " usec\n");
      log.print("stack depth " + depth + "\n");
    }
    VerifierResult partial =
        new VerifierResult(
            accepted,
            "",
            "",
            insnProcessed,
            pruner.maxStatesPerInsn,
            pruner.totalStates,
            pruner.peakStates,
            elapsed,
            depth,
            visited,
            mem.uninitStackReads(),
            addressLeaks());
    if (log.enabled()) {
      log.print(partial.statsLine() + "\n");
    }
    return new VerifierResult(
        accepted,
        log.toString(),
        accepted ? "" : String.join("\n", log.errorLines),
        insnProcessed,
        pruner.maxStatesPerInsn,
        pruner.totalStates,
        pruner.peakStates,
        elapsed,
        depth,
        visited,
        mem.uninitStackReads(),
        addressLeaks());
  }

  /**
   * allow_ptr_leaks: a privileged loader may turn a pointer into data (arithmetic on it, a store of
   * it, a helper argument, a comparison). Records the current instruction, because a run's result
   * then depends on where memory lies, which xdpemu does not reproduce ({@link
   * VerifierResult#leaksAddress}). False, recording nothing, for an unprivileged loader: the caller
   * then rejects.
   */
  boolean leakAddress() {
    if (!allowPtrLeaks) {
      return false;
    }
    if (addressLeaks == null) {
      addressLeaks = new boolean[insns.length];
    }
    addressLeaks[cur.insnIdx] = true;
    return true;
  }

  private boolean[] addressLeaks() {
    return addressLeaks != null ? addressLeaks : new boolean[insns.length];
  }

  /**
   * The engines' own decoder decides which encodings are valid (one decoder for both); its refusal
   * becomes a rejection in the kernel's words, as resolve_pseudo_ldimm64() and do_check() say it.
   */
  private void checkEncodings() {
    try {
      refusedWhenReached = Decoder.validateDeferring(insns);
    } catch (EncodingException e) {
      throw reject(e.kernelMessage());
    }
  }

  /**
   * jit (issue 13): encodings do_check() refuses only where it goes (reserved fields, ...), by
   * slot; dead code may hold them, as in the kernel, and the engines sanitize it (DeadCode).
   */
  private EncodingException[] refusedWhenReached;

  private String stackDepthString() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cfg.subprogCount(); i++) {
      if (i > 0) {
        sb.append('+');
      }
      sb.append(stackDepth[i]);
    }
    return sb.length() == 0 ? "0" : sb.toString();
  }

  /** Reject with one message line; returns the exception so callers can {@code throw}. */
  Reject reject(String message) {
    log.error(message);
    return new Reject(message);
  }

  /** A line that precedes the final message (e.g. "invalid access to packet, ..."). */
  void errorLine(String line) {
    log.error(line);
  }

  void verbose(String s) {
    log.print(s);
  }

  boolean level2() {
    return log.level >= 2;
  }

  int newId() {
    return ++idGen;
  }

  void scratchReg(int regno) {
    scratchedRegs |= 1 << regno;
  }

  void scratchStack(int spi) {
    if (spi < 64) {
      scratchedStack |= 1L << spi;
    }
  }

  void scratchAll() {
    scratchedRegs = -1;
    scratchedStack = -1L;
  }

  // ---------------------------------------------------------------- entry states

  private void verifyMain() {
    VerifierState st = new VerifierState();
    FuncState f = new FuncState(0, -1, 0);
    f.regs[1] = RegState.pointer(RegType.PTR_TO_CTX);
    f.regs[10] = RegState.pointer(RegType.PTR_TO_STACK);
    st.frames[0] = f;
    st.insnIdx = 0;
    st.firstInsnIdx = 0;
    cfg.markCalled(0);
    doCheck(st);
  }

  /** do_check_subprogs(): each global function reached from verified code, once. */
  private void verifyGlobalSubprogs() {
    boolean progress = true;
    boolean[] done = new boolean[cfg.subprogCount()];
    while (progress) {
      progress = false;
      for (int i = 1; i < cfg.subprogCount(); i++) {
        Cfg.Subprog sp = cfg.subprog(i);
        if (!sp.global || !sp.called || done[i]) {
          continue;
        }
        done[i] = true;
        progress = true;
        verbose("Validating " + sp.name + "() func#" + i + "...\n");
        VerifierState st = new VerifierState();
        FuncState f = new FuncState(0, -1, i);
        calls.initGlobalArgs(sp, f);
        f.regs[10] = RegState.pointer(RegType.PTR_TO_STACK);
        st.frames[0] = f;
        st.insnIdx = sp.start;
        st.firstInsnIdx = sp.start;
        pruner.clear();
        doCheck(st);
        verbose(
            "Func#" + i + " ('" + sp.name + "') is safe for any args that match its prototype\n");
      }
    }
  }

  // ---------------------------------------------------------------- main loop

  private void doCheck(VerifierState initial) {
    cur = initial;
    liveness.callchainChanged();
    scratchAll();
    doPrintState = false;
    while (true) {
      int idx = cur.insnIdx;
      if (idx < 0 || idx >= insns.length) {
        throw reject("invalid insn idx " + idx + " insn_cnt " + insns.length);
      }
      Insn insn = insns[idx];
      if (++insnProcessed > opts.insnLimit()) {
        throw reject("BPF program is too large. Processed " + insnProcessed + " insn");
      }
      visited[idx] = true;
      precision.insnStart();
      cur.lastInsnIdx = cur.prevInsnIdx;
      if (cfg.isPrunePoint(idx)) {
        if (pruner.isStateVisited(idx)) {
          if (log.enabled()) {
            if (doPrintState) {
              verbose("\nfrom " + cur.prevInsnIdx + " to " + idx + specSuffix() + ": safe\n");
            } else {
              verbose(idx + ": safe\n");
            }
          }
          if (!finishPath()) {
            return;
          }
          continue;
        }
      }
      if (cfg.isJmpPoint(idx)) {
        precision.jmpPoint(cur, idx, cur.prevInsnIdx);
      }
      if (level2() && doPrintState) {
        verbose(
            "\nfrom "
                + cur.prevInsnIdx
                + " to "
                + idx
                + specSuffix()
                + ":"
                + stateString(true)
                + "\n");
        doPrintState = false;
      }
      if (log.enabled()) {
        if (scratchedRegs != 0 || scratchedStack != 0) {
          log.insnState(idx, stateString(false));
        }
        String line = info.lineInfo(idx);
        if (line != null && !line.equals(lastLineInfo)) {
          verbose("; " + line + "\n");
          lastLineInfo = line;
        }
        int startPos = log.pos();
        verbose(insnLine(idx));
        log.markInsnLine(startPos);
      }
      int next;
      if (cur.speculative && nospec[idx]) {
        next = EXIT_PATH;
      } else if (cur.speculative) {
        int errors = log.errorLines.size();
        liveness.insnStart(idx);
        try {
          next = step(insn, idx);
          liveness.commit();
        } catch (Reject r) {
          if (!recoverableWithNospec(r)) {
            throw r;
          }
          liveness.commit();
          // do_check() since 6.15 (error_recoverable_with_nospec): an unsafe instruction on a
          // speculative path gets a barrier (insn_aux->nospec) instead of failing the program;
          // the path ends there. The message stays in the log, as the kernel's verbose() does.
          nospec[idx] = true;
          log.errorLines.subList(errors, log.errorLines.size()).clear();
          next = EXIT_PATH;
        }
      } else {
        facts.record(insn, idx, cur.regs()); // jit (issue 13)
        liveness.insnStart(idx);
        next = step(insn, idx);
        liveness.commit();
      }
      if (next == EXIT_PATH) {
        if (!finishPath()) {
          return;
        }
        continue;
      }
      if (next == FRAME_RETURNED) {
        doPrintState = true;
        continue;
      }
      if (cur.speculative && nospecResult[idx]) {
        // 6.17+: nothing after a store barrier runs speculatively (do_check's nospec_result)
        if (!finishPath()) {
          return;
        }
        continue;
      }
      cur.prevInsnIdx = idx;
      cur.insnIdx = next;
    }
  }

  /**
   * -EACCES / -EINVAL / -EPERM rejections; not the complexity limits (-E2BIG), which end the whole
   * verification.
   */
  private static boolean recoverableWithNospec(Reject r) {
    String m = r.getMessage();
    return m != null
        && !m.startsWith("The sequence of ")
        && !m.startsWith("BPF program is too large");
  }

  static final int EXIT_PATH = -1;
  static final int FRAME_RETURNED = -2;

  /** Executes one instruction on {@link #cur}; returns the next index or a marker. */
  private int step(Insn insn, int idx) {
    if (refusedWhenReached[idx] != null) { // jit (issue 13): checked where do_check() goes
      throw reject(refusedWhenReached[idx].kernelMessage()); // -EINVAL: nospec when speculative
    }
    int cls = insn.cls();
    switch (cls) {
      case Opcodes.ALU:
      case Opcodes.ALU64:
        alu.checkAlu(insn, idx);
        return idx + 1;
      case Opcodes.LDX:
        mem.checkLoad(insn, idx);
        return idx + 1;
      case Opcodes.STX:
        if ((insn.opcode() & 0xe0) == Opcodes.ATOMIC) {
          mem.checkAtomic(insn, idx);
        } else {
          mem.checkStoreReg(insn, idx);
        }
        return idx + 1;
      case Opcodes.ST:
        mem.checkStoreImm(insn, idx);
        return idx + 1;
      case Opcodes.LD:
        return alu.checkLd(insn, idx);
      default:
        jmpsProcessed++;
        return jmp.checkJump(insn, idx);
    }
  }

  private String specSuffix() {
    return cur.speculative ? " (speculative execution)" : "";
  }

  /** Path finished (exit or pruned): update branch counts, pop the next pending branch. */
  private boolean finishPath() {
    scratchAll();
    pruner.updateBranchCounts(cur);
    liveness.update(cur);
    Pending p = branches.poll();
    if (p == null) {
      return false;
    }
    if (!level2()) {
      log.reset(p.logPos);
      log.endLine();
    }
    cur = p.state;
    cur.insnIdx = p.insnIdx;
    cur.prevInsnIdx = p.prevInsnIdx;
    doPrintState = true;
    return true;
  }

  /** push_stack(): queue a copy of the current state to continue at {@code insnIdx} later. */
  VerifierState pushBranch(int insnIdx, int prevInsnIdx) {
    VerifierState copy = cur.copy();
    copy.insnIdx = insnIdx;
    copy.prevInsnIdx = prevInsnIdx;
    branches.push(new Pending(copy, insnIdx, prevInsnIdx, log.pos()));
    if (branches.size() > COMPLEXITY_LIMIT_JMP_SEQ) {
      throw reject("The sequence of " + branches.size() + " jumps is too complex.");
    }
    if (copy.parent != null) {
      copy.parent.branches++;
    }
    return copy;
  }

  // ---------------------------------------------------------------- log helpers

  /**
   * The log line of instruction {@code idx} ("idx: disassembly\n"), made once per instruction: at
   * level 1 every processed instruction is printed, and the text depends only on the program.
   */
  private String[] insnLines;

  private String insnLine(int idx) {
    if (insnLines == null) {
      insnLines = new String[insns.length];
    }
    String s = insnLines[idx];
    if (s == null) {
      s = idx + ": " + disasm.format(insns, idx) + "\n";
      insnLines[idx] = s;
    }
    return s;
  }

  /** print_verifier_state() of the current frame: all registers, or only scratched ones. */
  String stateString(boolean all) {
    String s = stateString(cur.cur(), all);
    if (!all) {
      scratchedRegs = 0;
      scratchedStack = 0;
    }
    return s;
  }

  String stateString(FuncState f, boolean all) {
    StringBuilder sb = new StringBuilder();
    if (f.frameno != 0) {
      sb.append(" frame").append(f.frameno).append(':');
    }
    for (int i = 0; i < FuncState.MAX_REGS; i++) {
      RegState r = f.regs[i];
      if (r.type == RegType.NOT_INIT) {
        continue;
      }
      if (!all && (scratchedRegs & (1 << i)) == 0) {
        continue;
      }
      sb.append(" R").append(i).append('=').append(StateFormatter.reg(r, f.frameno));
    }
    for (int spi = 0; spi < f.stack.size(); spi++) {
      if (!all && (spi >= 64 || (scratchedStack & (1L << spi)) == 0)) {
        continue;
      }
      String s = StateFormatter.stackSlot(f.stack.get(spi), spi, f.frameno);
      if (s != null) {
        sb.append(' ').append(s);
      }
    }
    if (!f.refs.isEmpty()) {
      sb.append(" refs=");
      for (int i = 0; i < f.refs.size(); i++) {
        sb.append(i == 0 ? "" : ",").append(f.refs.get(i)[0]);
      }
    }
    if (f.inCallback) {
      sb.append(" cb");
    }
    return sb.toString();
  }
}
