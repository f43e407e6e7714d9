package io.xdpemu.ebpf.jit;

import io.xdpemu.ebpf.InternalErrorException;
import io.xdpemu.ebpf.XdpemuException;
import io.xdpemu.ebpf.helpers.TailCalls;
import io.xdpemu.ebpf.maps.ProgArrayMap;
import io.xdpemu.ebpf.vm.DeadCode;
import io.xdpemu.ebpf.vm.Executable;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.Helper;
import io.xdpemu.ebpf.vm.HelperRegistry;
import io.xdpemu.ebpf.vm.Program;
import io.xdpemu.ebpf.vm.TrapException;

/**
 * A program compiled to a hidden JVM class, plus what its code asks for at run time: helpers,
 * kfuncs, deferred traps of unlinked {@code ld_imm64}, tail-call targets. The generated code calls
 * the package-private methods here; the trap messages are the interpreter's, word for word, so that
 * the engines trap identically (pc and message).
 */
final class JitProgram implements Executable {
  private final Program program;

  /** ld_imm64 values by pc (pseudo sources resolved through the Linkage); read by the code. */
  final long[] linkedValues;

  /** The map object bound at each statically dispatched map helper call ({@link MapBinding}). */
  final Object[] boundMaps;

  private final HelperRegistry helpers;
  private final Helper[] kfuncs;
  private final int[] kfuncIds;
  private final XdpemuException[] deferredTraps;
  private final JitEngine engine;

  /** Keeps the engine's entry for the shared generated class alive while this program lives. */
  @SuppressWarnings("unused")
  private final JitEngine.CodeKey codeKey;

  private JitCode code;

  /** The callback invoker for a helper called at each call depth; read by the code. */
  final JitCallbacks[] callbackInvokers = new JitCallbacks[ExecutionContext.MAX_FRAMES];

  /** Per statically bound tail call ({@link TailCallBinding}), by pc: the last target seen. */
  private final TailTarget[] tailSites;

  /** Last tail-call target seen, to skip the engine's cache on repeated tail calls. */
  private volatile TailTarget lastTail;

  private record TailTarget(Program program, Executable executable) {}

  JitProgram(
      Program program,
      long[] linkedValues,
      Helper[] kfuncs,
      int[] kfuncIds,
      XdpemuException[] deferredTraps,
      Object[] boundMaps,
      JitEngine.CodeKey codeKey,
      JitEngine engine) {
    this.codeKey = codeKey;
    this.program = program;
    this.linkedValues = linkedValues;
    this.helpers = program.helpers();
    this.kfuncs = kfuncs;
    this.kfuncIds = kfuncIds;
    this.deferredTraps = deferredTraps;
    this.boundMaps = boundMaps;
    this.engine = engine;
    this.tailSites = new TailTarget[linkedValues.length];
    for (int depth = 0; depth < callbackInvokers.length; depth++) {
      callbackInvokers[depth] = new JitCallbacks(this, depth);
    }
  }

  JitCode code() {
    return code;
  }

  /** Slots in the program. */
  int length() {
    return linkedValues.length;
  }

  /** A callback index that is in the program but not a function the JIT compiled. */
  TrapException notAFunction(int entry) {
    return new TrapException(
        entry,
        "jit: callback at instruction " + entry + " is not a function entry (ld_imm64 src 4)");
  }

  void install(JitCode compiled) {
    this.code = compiled;
  }

  String name() {
    return program.name();
  }

  @Override
  public long run(ExecutionContext ctx, long r1) {
    return run(ctx, r1, 0);
  }

  @Override
  public long run(ExecutionContext ctx, long r1, long r2) {
    try {
      return code.call(this, ctx, 0, null, 0, r1, r2, 0, 0, 0, 0, 0, 0, 0);
    } catch (XdpemuException | ProvenAccessFaultedException e) { // DeadCode.Reached included
      throw e; // a proven access that faulted is a verifier bug: never turned into a trap
    } catch (RuntimeException e) { // a bug of ours or a helper's: never a trap, which would hide it
      throw new InternalErrorException("jit at pc " + ctx.pc + " of " + program.name(), e);
    }
  }

  // ---- called by generated code ----

  /** The helper for {@code call id} / {@code callx} (Interpreter.callHelper's rule for ids). */
  Helper helper(long id, int pc) {
    Helper h = id >= 0 && id <= Integer.MAX_VALUE ? helpers.helper((int) id) : null;
    if (h == null) {
      throw new TrapException(pc, "call to unknown helper id " + id);
    }
    return h;
  }

  Helper kfunc(int pc) {
    Helper h = kfuncs[pc];
    if (h == null) {
      throw new TrapException(pc, "call to unresolved kfunc (BTF id " + kfuncIds[pc] + ")");
    }
    return h;
  }

  XdpemuException deferredTrap(int pc) {
    return deferredTraps[pc];
  }

  static TrapException budgetExhausted(int pc) {
    return new TrapException(pc, "instruction budget exhausted");
  }

  static TrapException callStackTooDeep(int pc) {
    return new TrapException(
        pc, "call stack too deep: more than " + ExecutionContext.MAX_FRAMES + " frames");
  }

  /** Dead code ran: a verifier bug (see {@link DeadCode}). */
  static DeadCode.Reached deadCode(int pc) {
    return new DeadCode.Reached(pc);
  }

  static TrapException fellOffTheEnd(int pc) {
    return new TrapException(pc, "fell off the end of the program");
  }

  /**
   * Continues in {@code ctx.tailCallTarget} after bpf_tail_call succeeded: same registers, same
   * call depth (a tail call in a subprogram replaces only that frame, as in the kernel), pc 0 of
   * the target; the budget is checked at the target's pc 0 exactly where the interpreter checks it.
   */
  long tailCall(
      ExecutionContext ctx,
      int depth,
      long[] out,
      long r0,
      long r1,
      long r2,
      long r3,
      long r4,
      long r5,
      long r6,
      long r7,
      long r8,
      long r9) {
    Program next = ctx.tailCallTarget;
    ctx.tailCallTarget = null;
    if (ctx.budget < 0) {
      throw budgetExhausted(0);
    }
    Executable target = tailTarget(next);
    if (target instanceof JitProgram) {
      JitProgram j = (JitProgram) target;
      return j.code.call(j, ctx, depth, out, r0, r1, r2, r3, r4, r5, r6, r7, r8, r9);
    }
    // The target fell back to the interpreter, which starts only at depth 0 with r1 and r2.
    if (depth != 0) {
      throw new TrapException(
          ctx.pc,
          "jit: tail call from a subprogram into "
              + next.name()
              + ", which runs in the interpreter (too large to compile)");
    }
    return target.run(ctx, r1, r2);
  }

  /**
   * A statically bound bpf_tail_call at {@code pc} with the proven {@code index}: the compiled
   * target to call from the site, or null, with {@code ctx.tailCallTarget} set when the target runs
   * in the interpreter (the ordinary tail call then continues) and unset when the call failed (r0 =
   * -ENOENT, execution goes on after it).
   */
  JitProgram boundTailTarget(int pc, ExecutionContext ctx, long index) {
    ctx.pc = pc;
    Program next = TailCalls.target((ProgArrayMap) boundMaps[pc], ctx, index);
    if (next == null) {
      return null;
    }
    TailTarget t = tailSites[pc];
    if (t == null || t.program() != next) {
      t = new TailTarget(next, engine.prepare(next));
      tailSites[pc] = t;
    }
    if (t.executable() instanceof JitProgram j) {
      return j;
    }
    ctx.tailCallTarget = next;
    return null;
  }

  private Executable tailTarget(Program next) {
    TailTarget t = lastTail;
    if (t != null && t.program() == next) {
      return t.executable();
    }
    Executable e = engine.prepare(next);
    lastTail = new TailTarget(next, e);
    return e;
  }
}
