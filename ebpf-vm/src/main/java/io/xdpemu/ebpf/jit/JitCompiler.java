package io.xdpemu.ebpf.jit;

import static io.xdpemu.ebpf.isa.Opcodes.*;
import static io.xdpemu.ebpf.jit.CodeBuilder.*;
import static io.xdpemu.ebpf.jit.Frame.reg;

import io.xdpemu.ebpf.isa.Decoder;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.jit.CodeBuilder.Label;
import java.util.ArrayDeque;
import java.util.BitSet;

/**
 * Compiles a decoder-validated program to one class: a static method per BPF function (the main
 * program at pc 0 and every target of a BPF-to-BPF call), plus the {@link JitCode} bridge.
 *
 * <p>A function's method holds every instruction reachable from its entry without following calls,
 * so unverified control flow that runs across function boundaries behaves as in the interpreter
 * (whose pc simply walks on). Calls are JVM calls: the caller's r6..r9 and r10 are its own locals,
 * hence preserved; the callee's r1..r5 come back through {@code out}.
 *
 * <p>Instruction budget, the interpreter's rule exactly: straight-line runs are charged when
 * control leaves them through a taken jump, a call or exit, and the budget is checked at every
 * taken jump and local call, with the jump target as the trap pc. Here each basic block charges its
 * whole length on entry (blocks end at every jump, call and exit, and start at every target), which
 * gives the same value at every check; the check sits in a per-target stub that taken jumps go
 * through while fall-through enters the block directly.
 */
final class JitCompiler {
  private final Insn[] insns;
  private final long[] wide;
  private final boolean[] deferred;
  private final int length;
  private final BitSet blockStart = new BitSet();
  private final BitSet functionEntry = new BitSet();
  private final int[] blockLength;

  /**
   * @param insns validated slots
   * @param wide value of each ld_imm64 (pseudo sources resolved)
   * @param deferred ld_imm64 slots that trap when reached (unlinked pseudo source)
   */
  JitCompiler(Insn[] insns, long[] wide, boolean[] deferred) {
    this.insns = insns;
    this.wide = wide;
    this.deferred = deferred;
    this.length = insns.length;
    this.blockLength = new int[length];
    findBlocks();
  }

  private void findBlocks() {
    blockStart.set(0);
    functionEntry.set(0);
    for (int pc = 0; pc < length; pc = next(pc)) {
      Insn insn = insns[pc];
      int cls = insn.cls();
      if (cls == JMP || cls == JMP32) {
        blockStart.set(pc + 1);
        long t = Decoder.jumpTarget(insn, pc);
        if (t != Long.MIN_VALUE) {
          blockStart.set((int) t);
          if (insn.opcode() == CALL_OP) {
            functionEntry.set((int) t);
          }
        }
      }
    }
    int end = length;
    for (int pc = length - 1; pc >= 0; pc--) {
      blockLength[pc] = end - pc;
      if (blockStart.get(pc)) {
        end = pc;
      }
    }
  }

  private int next(int pc) {
    return insns[pc].opcode() == LD_IMM64 ? pc + 2 : pc + 1;
  }

  /** The class file; retried with wide jumps when a method's branches exceed 16-bit offsets. */
  byte[] compile(String internalName) {
    try {
      return generate(internalName, false);
    } catch (CodeBuilder.BranchOverflow e) {
      return generate(internalName, true);
    }
  }

  static String functionName(int entry) {
    return "f" + entry;
  }

  private byte[] generate(String internalName, boolean wideJumps) {
    ClassFileWriter cw = new ClassFileWriter(internalName, Frame.CODE);
    ConstantPool cp = cw.pool();

    CodeBuilder init = new CodeBuilder(cp, false);
    init.aload(0);
    init.invokespecial("java/lang/Object", "<init>", "()V");
    init.op(RETURN);
    cw.addMethod(ClassFileWriter.ACC_PUBLIC, "<init>", "()V", init.finish(), 1, 1);

    // JitCode.call: the instance bridge to the static main function (locals shifted by `this`).
    CodeBuilder bridge = new CodeBuilder(cp, false);
    bridge.aload(1);
    bridge.aload(2);
    bridge.iload(3);
    bridge.aload(4);
    for (int r = 0; r <= 9; r++) {
      bridge.lload(5 + 2 * r);
    }
    bridge.invokestatic(internalName, functionName(0), Frame.FUNCTION_D);
    bridge.op(LRETURN);
    cw.addMethod(
        ClassFileWriter.ACC_PUBLIC | ClassFileWriter.ACC_FINAL,
        "call",
        Frame.FUNCTION_D,
        bridge.finish(),
        Frame.MAX_STACK,
        25);

    for (int entry = functionEntry.nextSetBit(0);
        entry >= 0;
        entry = functionEntry.nextSetBit(entry + 1)) {
      CodeBuilder c = new CodeBuilder(cp, wideJumps);
      new FunctionEmitter(c, internalName, entry).emit();
      cw.addMethod(
          ClassFileWriter.ACC_PRIVATE | ClassFileWriter.ACC_STATIC,
          functionName(entry),
          Frame.FUNCTION_D,
          c.finish(),
          Frame.MAX_STACK,
          Frame.MAX_LOCALS);
    }
    return cw.toByteArray();
  }

  /** The method of one BPF function. */
  private final class FunctionEmitter {
    private final CodeBuilder c;
    private final String owner;
    private final int entry;
    private final StraightLineEmitter straight;
    private final Label[] at = new Label[length];
    private final Label[] checked = new Label[length];

    FunctionEmitter(CodeBuilder c, String owner, int entry) {
      this.c = c;
      this.owner = owner;
      this.entry = entry;
      this.straight = new StraightLineEmitter(c);
    }

    void emit() {
      BitSet reachable = reachable();
      for (int pc = reachable.nextSetBit(0); pc >= 0; pc = reachable.nextSetBit(pc + 1)) {
        at[pc] = new Label();
      }
      // Prologue: r10 = framePointer(depth); budget = ctx.budget.
      c.iload(Frame.DEPTH);
      c.invokestatic(Frame.CONTEXT, "framePointer", "(I)J");
      c.lstore(reg(10));
      c.aload(Frame.CTX);
      c.getfield(Frame.CONTEXT, "budget", "J");
      c.lstore(Frame.BUDGET);
      for (int pc = reachable.nextSetBit(0); pc >= 0; pc = reachable.nextSetBit(pc + 1)) {
        c.mark(at[pc]);
        if (blockStart.get(pc)) {
          c.lload(Frame.BUDGET);
          c.lconst(blockLength[pc]);
          c.op(LSUB);
          c.lstore(Frame.BUDGET);
        }
        boolean fallsThrough = instruction(pc);
        if (fallsThrough && next(pc) >= length) {
          c.iconst(next(pc));
          c.invokestatic(Frame.PROGRAM, "fellOffTheEnd", "(I)" + Frame.TRAP_D);
          c.op(ATHROW);
        }
      }
      // Budget checks of taken jumps: trap at the target pc, as the interpreter does.
      for (int t = 0; t < length; t++) {
        if (checked[t] != null) {
          c.mark(checked[t]);
          c.lload(Frame.BUDGET);
          c.lconst(0);
          c.op(LCMP);
          c.jump(IFGE, at[t]);
          c.iconst(t);
          c.invokestatic(Frame.PROGRAM, "budgetExhausted", "(I)" + Frame.TRAP_D);
          c.op(ATHROW);
        }
      }
    }

    /** Slots reachable from the entry through fall-through and jumps (calls return to pc + 1). */
    private BitSet reachable() {
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
        if (op == EXIT_OP || op == LD_IMM64 && deferred[pc]) {
          continue;
        }
        long t = Decoder.jumpTarget(insn, pc);
        boolean isJump = (cls == JMP || cls == JMP32) && t != Long.MIN_VALUE && op != CALL_OP;
        if (isJump) {
          work.add((int) t);
        }
        if (!(isJump && (op & 0xf0) == JA)) {
          work.add(next(pc));
        }
      }
      return seen;
    }

    private Label checkedTarget(int t) {
      if (checked[t] == null) {
        checked[t] = new Label();
      }
      return checked[t];
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
          straight.load(insn, pc);
          return true;
        case ST:
          straight.store(insn, pc);
          return true;
        case STX:
          if ((op & 0xe0) == ATOMIC) {
            straight.atomic(insn, pc);
          } else {
            straight.store(insn, pc);
          }
          return true;
        case LD:
          if (op != LD_IMM64) {
            throw StraightLineEmitter.unsupported(insn);
          }
          if (deferred[pc]) {
            c.aload(Frame.P);
            c.iconst(pc);
            c.invokevirtual(
                Frame.PROGRAM, "deferredTrap", "(I)Lio/xdpemu/ebpf/XdpemuException;");
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
        exit();
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
        c.jump(GOTO, checkedTarget(target));
        return false;
      }
      new Comparison(c, insn).branch(checkedTarget(target));
      return true;
    }

    private void exit() {
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
      Label budgetOk = new Label();
      c.lload(Frame.BUDGET);
      c.lconst(0);
      c.op(LCMP);
      c.jump(IFGE, budgetOk);
      c.iconst(target);
      c.invokestatic(Frame.PROGRAM, "budgetExhausted", "(I)" + Frame.TRAP_D);
      c.op(ATHROW);
      c.mark(budgetOk);
      Label haveOut = new Label();
      c.aload(Frame.OUT);
      c.jump(IFNONNULL, haveOut);
      c.iconst(5);
      c.newLongArray();
      c.astore(Frame.OUT);
      c.mark(haveOut);
      syncBudgetToContext();
      Frame.pushFunctionArguments(c, 1);
      c.invokestatic(owner, functionName(target), Frame.FUNCTION_D);
      c.lstore(reg(0));
      c.aload(Frame.CTX);
      c.getfield(Frame.CONTEXT, "budget", "J");
      c.lstore(Frame.BUDGET);
      for (int r = 1; r <= 5; r++) {
        c.aload(Frame.OUT);
        c.iconst(r - 1);
        c.op(LALOAD);
        c.lstore(reg(r));
      }
    }

    /** Helper, kfunc or callx; then a pending bpf_tail_call continues in the target program. */
    private void helperCall(Insn insn, int pc) {
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
      c.invokeinterface(Frame.HELPER, "call", "(" + Frame.CTX_D + "JJJJJ)J", 12);
      c.lstore(reg(0));
      Label noTailCall = new Label();
      c.aload(Frame.CTX);
      c.getfield(Frame.CONTEXT, "tailCallTarget", "Lio/xdpemu/ebpf/vm/Program;");
      c.jump(IFNULL, noTailCall);
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
