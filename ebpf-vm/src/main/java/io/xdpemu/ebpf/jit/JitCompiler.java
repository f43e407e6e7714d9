package io.xdpemu.ebpf.jit;

import static io.xdpemu.ebpf.isa.Opcodes.*;
import static io.xdpemu.ebpf.jit.CodeBuilder.*;
import static io.xdpemu.ebpf.jit.Frame.reg;

import io.xdpemu.ebpf.facts.ProgramFacts;
import io.xdpemu.ebpf.isa.Decoder;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.jit.CodeBuilder.Label;
import io.xdpemu.ebpf.vm.DeadCode;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.OptionalLong;
import org.objectweb.asm.ClassTooLargeException;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodTooLargeException;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Compiles a decoder-validated program to one class: a static method per BPF function (the main
 * program at pc 0 and every target of a BPF-to-BPF call), plus the {@link JitCode} bridge.
 *
 * <p>A function's method holds every instruction reachable from its entry without following calls,
 * so unverified control flow that runs across function boundaries behaves as in the interpreter
 * (whose pc simply walks on). Calls are JVM calls: the caller's r6..r9 and r10 are its own locals,
 * hence preserved; the callee's r1..r5 come back through {@code out}.
 *
 * <p>Instruction budget: the interpreter's rule, computed the same way. A local {@code runStart}
 * holds the first pc of the current straight-line run (the entry, a taken jump's target, the slot
 * after a call); a taken jump, a local call, a tail call and exit charge {@code pc + 1 - runStart};
 * taken jumps and local calls then check the budget, trapping at the target pc; helper calls hand
 * the budget to the context (a callback runs on it) and take it back. Taken conditional jumps go
 * through a per-site stub that does this, so the fall-through path carries no cost.
 */
final class JitCompiler {
  private final Insn[] insns;
  private final long[] wide;
  private final boolean[] deferred;
  private final ProgramFacts facts;
  private final MapBinding[] bound;
  private final boolean[] tailBound;
  private final int length;
  private final BitSet functionEntry = new BitSet();

  /**
   * @param insns validated slots
   * @param wide value of each ld_imm64 (pseudo sources resolved)
   * @param deferred ld_imm64 slots that trap when reached (unlinked pseudo source)
   * @param facts what the verifier proved ({@link ProgramFacts#NONE} keeps every check); dead slots
   *     ({@link DeadCode}) compile to a throw of {@link DeadCode.Reached}
   * @param bound the map helper calls dispatched statically (null entries: ordinary calls)
   * @param tailBound the bpf_tail_call slots bound to their prog array and index
   */
  JitCompiler(
      Insn[] insns,
      long[] wide,
      boolean[] deferred,
      ProgramFacts facts,
      MapBinding[] bound,
      boolean[] tailBound) {
    this.insns = insns;
    this.wide = wide;
    this.deferred = deferred;
    this.facts = facts;
    this.bound = bound;
    this.tailBound = tailBound;
    this.length = insns.length;
    findFunctions();
  }

  /** Pc 0, every BPF-to-BPF call target and every callback (ld_imm64 src 4) in the program. */
  private void findFunctions() {
    functionEntry.set(0);
    for (int pc = 0; pc < length; pc = next(pc)) {
      Insn insn = insns[pc];
      if (insn.opcode() == CALL_OP && insn.src() == PSEUDO_CALL) {
        functionEntry.set((int) Decoder.jumpTarget(insn, pc));
      } else if (insn.opcode() == LD_IMM64
          && insn.src() == PSEUDO_FUNC
          && !deferred[pc]
          && wide[pc] >= 0
          && wide[pc] < length
          && insns[(int) wide[pc]].opcode() != 0) {
        functionEntry.set((int) wide[pc]);
      }
    }
  }

  /** Slots reachable from the entry through fall-through and jumps (calls return to pc + 1). */
  private BitSet reachableFrom(int entry) {
    BitSet seen = new BitSet();
    ArrayDeque<Integer> work = new ArrayDeque<>();
    work.add(entry);
    while (!work.isEmpty()) {
      int pc = work.pop();
      if (pc >= length || seen.get(pc)) {
        continue;
      }
      seen.set(pc);
      Insn insn = insns[pc];
      int op = insn.opcode();
      int cls = insn.cls();
      if (op == EXIT_OP || op == LD_IMM64 && deferred[pc] || DeadCode.isDead(insns, facts, pc)) {
        continue;
      }
      long t = Decoder.jumpTarget(insn, pc);
      boolean isJump = (cls == JMP || cls == JMP32) && t != Long.MIN_VALUE && op != CALL_OP;
      Boolean decided = isJump ? decided(pc) : null;
      if (isJump && decided != Boolean.FALSE) {
        work.add((int) t);
      }
      if (!(isJump && ((op & 0xf0) == JA || decided == Boolean.TRUE))) {
        work.add(next(pc));
      }
    }
    return seen;
  }

  /**
   * The registers each function's method receives, by entry: all of r0..r9 for metered code, the
   * arguments its body reads otherwise ({@link FunctionParameters}).
   */
  private final java.util.Map<Integer, FunctionParameters> parameters = new java.util.HashMap<>();

  private FunctionParameters parameters(int entry) {
    FunctionParameters known = parameters.get(entry);
    if (known != null) {
      return known;
    }
    if (!facts.verified()) {
      return FunctionParameters.ALL;
    }
    parameters.put(entry, FunctionParameters.ALL); // a recursive call meanwhile: every register
    FunctionParameters p =
        FunctionParameters.readBy(
            insns,
            reachableFrom(entry),
            entry,
            new FunctionParameters.Reads() {
              @Override
              public int call(int pc) {
                Insn insn = insns[pc];
                if (insn.opcode() == CALL_OP && insn.src() == PSEUDO_CALL) {
                  return parameters((int) Decoder.jumpTarget(insn, pc)).mask();
                }
                boolean tail = tailBound[pc] || HelperCallKind.of(insn).mayTailCall;
                return tail ? 0x3ff : 0x3e; // a tail call passes r0..r9 on
              }

              @Override
              public boolean exitWritesOut() {
                return writesOut(entry);
              }
            });
    parameters.put(entry, p);
    return p;
  }

  /**
   * Whether exit hands r1..r5 back through {@code out}: in unverified code, and in a verified
   * program's main function, which an unverified subprogram may reach by a tail call and read them
   * from. A verified function's callers are verified code (or a callback's helper), which never
   * read them.
   */
  private boolean writesOut(int entry) {
    return !facts.verified() || entry == 0;
  }

  /** The entries {@link JitCode#callback} dispatches to. */
  BitSet functionEntries() {
    return functionEntry;
  }

  /**
   * For a conditional jump whose operands the verifier proved constant ({@link
   * ProgramFacts#constant}): whether it is taken, decided at compile time; null otherwise (and for
   * ja, calls and exit).
   */
  private Boolean decided(int pc) {
    Insn insn = insns[pc];
    int code = insn.opcode() & 0xf0;
    if (code == JA || code == CALL || code == EXIT) {
      return null;
    }
    OptionalLong a = facts.constant(pc, insn.dst());
    OptionalLong b =
        (insn.opcode() & X) != 0 ? facts.constant(pc, insn.src()) : OptionalLong.of(insn.imm());
    if (a.isEmpty() || b.isEmpty()) {
      return null;
    }
    return Comparison.taken(insn, a.getAsLong(), b.getAsLong());
  }

  private int next(int pc) {
    return insns[pc].opcode() == LD_IMM64 ? pc + 2 : pc + 1;
  }

  /** Class-file version of the generated code: Java 17's, with stack map frames. */
  static final int CLASS_VERSION = Opcodes.V17;

  /**
   * The class file. A method over the JVM's 64 KB limit (or a constant pool over 65,535 entries) is
   * a {@link JitLimitException}: the program then runs in the interpreter.
   */
  byte[] compile(String internalName) {
    ClassWriter cw = new FrameComputingWriter();
    cw.visit(
        CLASS_VERSION,
        Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER,
        internalName,
        null,
        "java/lang/Object",
        new String[] {Frame.CODE});

    CodeBuilder init = method(cw, Opcodes.ACC_PUBLIC, "<init>", "()V");
    init.aload(0);
    init.invokespecial("java/lang/Object", "<init>", "()V");
    init.op(RETURN);
    init.finish();

    // JitCode.call: the instance bridge to the static main function (locals shifted by `this`).
    CodeBuilder bridge =
        method(cw, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL, "call", Frame.FUNCTION_D);
    bridge.aload(1);
    bridge.aload(2);
    bridge.iload(3);
    bridge.aload(4);
    parameters(0).push(bridge, r -> 5 + 2 * r);
    bridge.invokestatic(internalName, functionName(0), parameters(0).descriptor());
    bridge.op(LRETURN);
    bridge.finish();

    // JitCode.callback: the static method of function `entry` (locals: this, entry, then as call).
    CodeBuilder dispatch =
        method(
            cw,
            Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL,
            "callback",
            "(I" + Frame.FUNCTION_D.substring(1));
    for (int e = functionEntry.nextSetBit(0); e >= 0; e = functionEntry.nextSetBit(e + 1)) {
      Label other = new Label();
      dispatch.iload(1);
      dispatch.iconst(e);
      dispatch.jump(IF_ICMPNE, other);
      dispatch.aload(2);
      dispatch.aload(3);
      dispatch.iload(4);
      dispatch.aload(5);
      parameters(e).push(dispatch, r -> 6 + 2 * r);
      dispatch.invokestatic(internalName, functionName(e), parameters(e).descriptor());
      dispatch.op(LRETURN);
      dispatch.mark(other);
    }
    dispatch.aload(2);
    dispatch.iload(1);
    dispatch.invokevirtual(Frame.PROGRAM, "notAFunction", "(I)" + Frame.TRAP_D);
    dispatch.op(ATHROW);
    dispatch.finish();

    for (int entry = functionEntry.nextSetBit(0);
        entry >= 0;
        entry = functionEntry.nextSetBit(entry + 1)) {
      CodeBuilder c =
          method(
              cw,
              Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC,
              functionName(entry),
              parameters(entry).descriptor());
      new FunctionEmitter(c, internalName, entry).emit();
      c.finish();
    }
    cw.visitEnd();
    try {
      return cw.toByteArray();
    } catch (MethodTooLargeException | ClassTooLargeException e) {
      throw new JitLimitException(e.getMessage());
    }
  }

  private static CodeBuilder method(ClassWriter cw, int access, String name, String descriptor) {
    MethodVisitor mv = cw.visitMethod(access, name, descriptor, null, null);
    mv.visitCode();
    return new CodeBuilder(mv);
  }

  static String functionName(int entry) {
    return "f" + entry;
  }

  /**
   * Computes frames without loading classes: the generated code only ever merges a type with itself
   * (its locals are the program, the context and {@code long[]}; nothing is on the operand stack at
   * a branch target), so a request for a common superclass is a bug of the emitter.
   */
  private static final class FrameComputingWriter extends ClassWriter {
    FrameComputingWriter() {
      super(ClassWriter.COMPUTE_FRAMES);
    }

    @Override
    protected String getCommonSuperClass(String type1, String type2) {
      throw new IllegalStateException("jit: frames merge " + type1 + " with " + type2);
    }
  }

  /** The method of one BPF function. */
  private final class FunctionEmitter {
    private final CodeBuilder c;
    private final String owner;
    private final int entry;
    private final StraightLineEmitter straight;
    private final Label[] at = new Label[length];
    private final Label[] takenStub = new Label[length];

    /**
     * Whether the code keeps the interpreter's instruction budget: unverified programs only (a
     * verified one runs with an unlimited budget and provably ends, so metering would be dead
     * work).
     */
    private final boolean metered = !facts.verified();

    FunctionEmitter(CodeBuilder c, String owner, int entry) {
      this.c = c;
      this.owner = owner;
      this.entry = entry;
      this.straight = new StraightLineEmitter(c, facts);
    }

    void emit() {
      BitSet reachable = reachableFrom(entry);
      for (int pc = reachable.nextSetBit(0); pc >= 0; pc = reachable.nextSetBit(pc + 1)) {
        at[pc] = new Label();
      }
      // Prologue: parameters to their registers; r10 = framePointer(depth); budget = ctx.budget;
      // runStart = entry.
      parameters(entry).prologue(c);
      c.iload(Frame.DEPTH);
      c.invokestatic(Frame.CONTEXT, "framePointer", "(I)J");
      c.lstore(reg(10));
      reloadBudget();
      startRun(entry);
      for (int pc = reachable.nextSetBit(0); pc >= 0; pc = reachable.nextSetBit(pc + 1)) {
        c.mark(at[pc]);
        if (DeadCode.isDead(insns, facts, pc)) { // a dead branch lands here: a verifier bug
          c.iconst(pc);
          c.invokestatic(Frame.PROGRAM, "deadCode", "(I)Lio/xdpemu/ebpf/vm/DeadCode$Reached;");
          c.op(ATHROW);
          continue;
        }
        straight.at(pc);
        boolean fallsThrough = instruction(pc);
        if (fallsThrough && next(pc) >= length) {
          c.iconst(next(pc));
          c.invokestatic(Frame.PROGRAM, "fellOffTheEnd", "(I)" + Frame.TRAP_D);
          c.op(ATHROW);
        }
      }
      // Taken conditional jumps: charge the run, start a new one at the target, check.
      for (int pc = 0; pc < length; pc++) {
        if (takenStub[pc] != null) {
          c.mark(takenStub[pc]);
          takeJump(pc, (int) Decoder.jumpTarget(insns[pc], pc));
        }
      }
    }

    /** {@code budget -= pc + 1 - runStart}: the interpreter's charge for the run ending at pc. */
    private void chargeRunEndingAt(int pc) {
      if (!metered) {
        return;
      }
      c.lload(Frame.BUDGET);
      c.iconst(pc + 1);
      c.iload(Frame.RUN_START);
      c.op(ISUB);
      c.op(I2L);
      c.op(LSUB);
      c.lstore(Frame.BUDGET);
    }

    /** Traps with "instruction budget exhausted" at {@code trapPc} when the budget is negative. */
    private void checkBudget(int trapPc) {
      if (!metered) {
        return;
      }
      Label ok = new Label();
      c.lload(Frame.BUDGET);
      c.lconst(0);
      c.op(LCMP);
      c.jump(IFGE, ok);
      c.iconst(trapPc);
      c.invokestatic(Frame.PROGRAM, "budgetExhausted", "(I)" + Frame.TRAP_D);
      c.op(ATHROW);
      c.mark(ok);
    }

    /** A taken jump from {@code pc} to {@code target}, as the interpreter's {@code taken:} exit. */
    private void takeJump(int pc, int target) {
      chargeRunEndingAt(pc);
      startRun(target);
      checkBudget(target);
      c.jump(GOTO, at[target]);
    }

    /** {@code runStart = pc} (metered code only). */
    private void startRun(int pc) {
      if (metered) {
        c.iconst(pc);
        c.istore(Frame.RUN_START);
      }
    }

    /** {@code budget = ctx.budget} (metered code only), after anything that may have spent it. */
    private void reloadBudget() {
      if (metered) {
        c.aload(Frame.CTX);
        c.getfield(Frame.CONTEXT, "budget", "J");
        c.lstore(Frame.BUDGET);
      }
    }

    /** Emits slot {@code pc}; returns whether control can fall through to the next slot. */
    private boolean instruction(int pc) {
      Insn insn = insns[pc];
      int op = insn.opcode();
      switch (insn.cls()) {
        case ALU:
        case ALU64:
          straight.alu(insn);
          return true;
        case LDX:
          straight.load(insn, pc, facts.access(pc));
          return true;
        case ST:
          straight.store(insn, pc, facts.access(pc));
          return true;
        case STX:
          if ((op & 0xe0) == ATOMIC) {
            straight.atomic(insn, pc, facts.access(pc));
          } else {
            straight.store(insn, pc, facts.access(pc));
          }
          return true;
        case LD:
          if (op != LD_IMM64) {
            throw StraightLineEmitter.unsupported(insn);
          }
          if (deferred[pc]) {
            c.aload(Frame.P);
            c.iconst(pc);
            c.invokevirtual(Frame.PROGRAM, "deferredTrap", "(I)Lio/xdpemu/ebpf/XdpemuException;");
            c.op(ATHROW);
            return false;
          }
          if (insn.src() == 0) {
            c.lconst(wide[pc]);
          } else { // a linked value (map handle, ...): per program, so the class can be shared
            c.aload(Frame.P);
            c.getfield(Frame.PROGRAM, "linkedValues", "[J");
            c.iconst(pc);
            c.op(LALOAD);
          }
          c.lstore(reg(insn.dst()));
          return true;
        default: // JMP, JMP32
          return jumpOrCall(insn, pc);
      }
    }

    private boolean jumpOrCall(Insn insn, int pc) {
      int op = insn.opcode();
      if (op == EXIT_OP) {
        exit(pc);
        return false;
      }
      if (op == CALL_OP && insn.src() == PSEUDO_CALL) {
        localCall(pc, (int) Decoder.jumpTarget(insn, pc));
        return true;
      }
      if (op == CALL_OP || op == (JMP | CALL | X)) {
        helperCall(insn, pc);
        return true;
      }
      int target = (int) Decoder.jumpTarget(insn, pc);
      if ((op & 0xf0) == JA) {
        takeJump(pc, target);
        return false;
      }
      Boolean decided = decided(pc);
      if (decided != null) { // a dead branch: no compare, no code for the side never taken
        if (decided) {
          takeJump(pc, target);
        }
        return !decided;
      }
      takenStub[pc] = new Label();
      new Comparison(c, insn, straight).branch(takenStub[pc]);
      return true;
    }

    private void exit(int pc) {
      chargeRunEndingAt(pc);
      if (!writesOut(entry)) {
        c.lload(reg(0));
        c.op(LRETURN);
        return;
      }
      Label noOut = new Label();
      c.aload(Frame.OUT);
      c.jump(IFNULL, noOut);
      for (int r = 1; r <= 5; r++) {
        c.aload(Frame.OUT);
        c.iconst(r - 1);
        c.lload(reg(r));
        c.op(LASTORE);
      }
      c.mark(noOut);
      syncBudgetToContext();
      c.lload(reg(0));
      c.op(LRETURN);
    }

    private void syncBudgetToContext() {
      if (!metered) {
        return;
      }
      c.aload(Frame.CTX);
      c.lload(Frame.BUDGET);
      c.putfield(Frame.CONTEXT, "budget", "J");
    }

    /** The interpreter's CALL_LOCAL: depth check at the call, budget check at the target. */
    private void localCall(int pc, int target) {
      Label depthOk = new Label();
      c.iload(Frame.DEPTH);
      c.iconst(io.xdpemu.ebpf.vm.ExecutionContext.MAX_FRAMES - 1);
      c.jump(IF_ICMPLT, depthOk);
      c.iconst(pc);
      c.invokestatic(Frame.PROGRAM, "callStackTooDeep", "(I)" + Frame.TRAP_D);
      c.op(ATHROW);
      c.mark(depthOk);
      chargeRunEndingAt(pc);
      checkBudget(target);
      // The callee's r1..r5 come back through `out` for unverified code only: the verifier marks
      // them unreadable after a call (caller-saved), so verified code needs no array, and a
      // BPF-to-BPF call is a plain JVM call.
      if (metered) {
        Label haveOut = new Label();
        c.aload(Frame.OUT);
        c.jump(IFNONNULL, haveOut);
        c.iconst(5);
        c.newLongArray();
        c.astore(Frame.OUT);
        c.mark(haveOut);
      }
      syncBudgetToContext();
      c.aload(Frame.P);
      c.aload(Frame.CTX);
      c.iload(Frame.DEPTH);
      c.iconst(1);
      c.op(IADD);
      c.aload(Frame.OUT);
      parameters(target).push(c, Frame::reg);
      c.invokestatic(owner, functionName(target), parameters(target).descriptor());
      c.lstore(reg(0));
      reloadBudget();
      for (int r = 1; metered && r <= 5; r++) {
        c.aload(Frame.OUT);
        c.iconst(r - 1);
        c.op(LALOAD);
        c.lstore(reg(r));
      }
      startRun(pc + 1); // the interpreter's pop: pc = runStart = return pc
    }

    /**
     * A map helper call bound to its map ({@link MapBinding}): {@code r0 = MapCalls.m(map, ctx,
     * r2...)}. No callback, tail call or budget to handle: the map helpers have none.
     */
    private void boundMapCall(MapBinding b, int pc) {
      c.aload(Frame.CTX);
      c.iconst(pc);
      c.putfield(Frame.CONTEXT, "pc", "I"); // for the traps of the key and value checks
      c.aload(Frame.P);
      c.getfield(Frame.PROGRAM, "boundMaps", "[Ljava/lang/Object;");
      c.iconst(pc);
      c.op(AALOAD);
      c.checkcast(b.mapClass);
      c.aload(Frame.CTX);
      c.lload(reg(2));
      if (b.isUpdate()) {
        c.lload(reg(3));
        c.lload(reg(4));
      }
      c.invokestatic(MapBinding.CALLS, b.method, b.descriptor());
      c.lstore(reg(0));
    }

    /** Helper, kfunc or callx; then a pending bpf_tail_call continues in the target program. */
    private void helperCall(Insn insn, int pc) {
      if (bound[pc] != null && !metered) {
        boundMapCall(bound[pc], pc);
        return;
      }
      if (tailBound[pc] && !metered) {
        boundTailCall(pc);
        return;
      }
      HelperCallKind kind = HelperCallKind.of(insn);
      // As the interpreter: the helper may call back into the program (bpf_loop), on the shared
      // budget, in a frame below this one.
      syncBudgetToContext();
      if (kind.mayCallBack) {
        c.aload(Frame.CTX);
        c.aload(Frame.P);
        c.getfield(Frame.PROGRAM, "callbackInvokers", "[L" + Frame.CALLBACKS + ";");
        c.iload(Frame.DEPTH);
        c.op(AALOAD);
        c.putfield(Frame.CONTEXT, "callbacks", "Lio/xdpemu/ebpf/vm/CallbackInvoker;");
      }
      c.aload(Frame.P);
      if (insn.opcode() == CALL_OP && insn.src() == PSEUDO_KFUNC_CALL) {
        c.iconst(pc);
        c.invokevirtual(Frame.PROGRAM, "kfunc", "(I)L" + Frame.HELPER + ";");
      } else {
        if (insn.opcode() == CALL_OP) {
          c.lconst(insn.imm());
        } else {
          c.lload(reg(insn.dst())); // callx: the helper id is in dst
        }
        c.iconst(pc);
        c.invokevirtual(Frame.PROGRAM, "helper", "(JI)L" + Frame.HELPER + ";");
      }
      c.aload(Frame.CTX);
      c.iconst(pc);
      c.putfield(Frame.CONTEXT, "pc", "I");
      c.aload(Frame.CTX);
      for (int r = 1; r <= 5; r++) {
        c.lload(reg(r));
      }
      c.invokeinterface(Frame.HELPER, "call", "(" + Frame.CTX_D + "JJJJJ)J");
      c.lstore(reg(0));
      reloadBudget();
      if (kind.mayTailCall) {
        pendingTailCall(pc);
      }
    }

    /**
     * A bpf_tail_call bound to its prog array and proven index ({@link TailCallBinding}): the
     * slot's compiled program is called from here with this frame's registers, as a JVM call; else
     * r0 = -ENOENT, or the ordinary continuation when the target runs in the interpreter.
     */
    private void boundTailCall(int pc) {
      Label failed = new Label();
      c.aload(Frame.P);
      c.iconst(pc);
      c.aload(Frame.CTX);
      c.lconst(facts.constant(pc, 3).getAsLong());
      c.invokevirtual(
          Frame.PROGRAM, "boundTailTarget", "(I" + Frame.CTX_D + "J)L" + Frame.PROGRAM + ";");
      c.astore(Frame.TAIL_TARGET);
      c.aload(Frame.TAIL_TARGET);
      c.jump(IFNULL, failed);
      c.aload(Frame.TAIL_TARGET);
      c.invokevirtual(Frame.PROGRAM, "code", "()L" + Frame.CODE + ";");
      c.aload(Frame.TAIL_TARGET);
      c.aload(Frame.CTX);
      c.iload(Frame.DEPTH);
      c.aload(Frame.OUT);
      c.lconst(0); // r0: the helper's result, 0 on success
      for (int r = 1; r <= 9; r++) {
        c.lload(reg(r));
      }
      c.invokeinterface(Frame.CODE, "call", Frame.FUNCTION_D);
      c.op(LRETURN);
      c.mark(failed);
      c.lconst(-io.xdpemu.ebpf.maps.Errno.ENOENT);
      c.lstore(reg(0));
      Label none = new Label();
      c.aload(Frame.CTX);
      c.getfield(Frame.CONTEXT, "tailCallTarget", "Lio/xdpemu/ebpf/vm/Program;");
      c.jump(IFNULL, none);
      c.lconst(0);
      c.lstore(reg(0));
      pendingTailCall(pc);
      c.mark(none);
    }

    /** A pending bpf_tail_call ({@code ctx.tailCallTarget}) continues in the target program. */
    private void pendingTailCall(int pc) {
      Label noTailCall = new Label();
      c.aload(Frame.CTX);
      c.getfield(Frame.CONTEXT, "tailCallTarget", "Lio/xdpemu/ebpf/vm/Program;");
      c.jump(IFNULL, noTailCall);
      chargeRunEndingAt(pc);
      syncBudgetToContext();
      c.aload(Frame.P);
      c.aload(Frame.CTX);
      c.iload(Frame.DEPTH);
      c.aload(Frame.OUT);
      for (int r = 0; r <= 9; r++) {
        c.lload(reg(r));
      }
      c.invokevirtual(Frame.PROGRAM, "tailCall", Frame.TAIL_CALL_D);
      c.op(LRETURN);
      c.mark(noTailCall);
    }
  }
}
