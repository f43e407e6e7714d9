package io.xdpemu.ebpf.vm;

import static io.xdpemu.ebpf.isa.Opcodes.*;

import io.xdpemu.ebpf.InternalErrorException;
import io.xdpemu.ebpf.XdpemuException;
import io.xdpemu.ebpf.facts.ProgramFacts;
import io.xdpemu.ebpf.isa.Decoder;
import io.xdpemu.ebpf.isa.Insn;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The eBPF interpreter: a {@code switch} over int operations on a pre-decoded form built once per
 * {@link Program} and cached.
 *
 * <p>Pre-decoded form, one 64-bit word per slot plus a sentinel after the last one:
 *
 * <pre>
 *   code[pc]  63                 32 31          16 15  12 11   8 7      0
 *            +---------------------+--------------+------+------+--------+
 *            |     imm (s32)       | offset (s16) | src  | dst  |   op   |  op: see {@link Ops}
 *            +---------------------+--------------+------+------+--------+
 *   wide[pc]   the 64-bit value of ld_imm64 (pseudo sources resolved through the Linkage)
 *   target[pc] the absolute slot a jump or local call goes to
 * </pre>
 *
 * <p>Dispatch is three nested switches of at most eight cases, which C2 turns into compare trees
 * that the branch predictor learns, instead of one jump table that it does not (see {@link Ops} for
 * the measurements). Registers live in a {@code long[16]} allocated by each run: C2 then drops the
 * bounds checks and proves the array unaliased. That is 144 bytes of garbage per run (plus a call
 * stack for programs with BPF-to-BPF calls), chosen over the zero-allocation alternative because
 * the context's reusable register file ({@link ExecutionContext#takeRegisters}, switched on by
 * {@code -Dxdpemu.interp.reuseRegisters=true}) measured 2.65 to 4.9 ns/insn, bimodal between JIT
 * runs, against a steady 2.3 (thread CPU time, aluLoop, same machine, interleaved runs); an earlier
 * variant reading the array from a per-nesting-level table measured 4.2. Young-generation garbage
 * that dies at once costs far less than that. Memory goes through {@link MemoryAccess}, whose fast
 * paths inline. Cold work (helper calls, atomics, traps) lives in separate methods to keep {@link
 * #execute} compact.
 *
 * <p>The file is long on purpose: every case must live in the one loop method that C2 compiles
 * (about 4,000 bytecodes, well under the 8,000-bytecode {@code HugeMethodLimit}); the semantics
 * behind the one-liners are in {@link AluSemantics} and {@link MemoryAccess}.
 *
 * <p>The instruction budget ({@link ExecutionContext#budget}) is charged per straight-line run at
 * every taken jump, call and exit: one subtraction per taken jump on the hot path, and the check
 * happens there, so a run may overshoot its budget by at most one straight-line run before it
 * traps.
 */
public final class Interpreter implements Executable, CallbackInvoker {
  private static final Map<Program, Interpreter> CACHE =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final String name;
  private final HelperRegistry helpers;
  final long[] code;
  final long[] wide;
  final int[] target;
  private final Helper[] kfuncs;

  /** Why a slot cannot run (an unlinked pseudo ld_imm64), thrown when it is reached. */
  private final XdpemuException[] deferredTraps;

  /** Last tail-call target seen, to avoid the cache lookup on repeated tail calls. */
  private volatile TailTarget lastTail;

  private record TailTarget(Program program, Interpreter interpreter) {}

  /** The interpreter for {@code program}, pre-decoded once and cached while the program lives. */
  public static Interpreter forProgram(Program program) {
    return forProgram(program, ProgramFacts.NONE);
  }

  /**
   * The interpreter for a verified program: dead code (no verified path reaches it) is sanitized as
   * the kernel does ({@link DeadCode}) and raises {@link DeadCode.Reached} if it ever runs. A
   * program already prepared keeps its first pre-decoding.
   */
  public static Interpreter forProgram(Program program, ProgramFacts facts) {
    Interpreter cached = CACHE.get(program);
    if (cached == null) {
      cached = new Interpreter(program, facts);
      CACHE.put(program, cached);
    }
    return cached;
  }

  private Interpreter(Program program, ProgramFacts facts) {
    Insn[] insns = Decoder.validate(DeadCode.sanitize(program.insns(), facts));
    int length = insns.length;
    this.name = program.name();
    this.helpers = program.helpers();
    this.code = new long[length + 1];
    this.wide = new long[length + 1];
    this.target = new int[length + 1];
    this.kfuncs = new Helper[length + 1];
    this.deferredTraps = new XdpemuException[length + 1];
    code[length] = Ops.END_OF_CODE;
    for (int pc = 0; pc < length; pc++) {
      predecode(program, insns, pc);
      if (insns[pc].opcode() == LD_IMM64) {
        pc++; // second slot: never executed (the decoder forbids jumping into it)
        code[pc] = Ops.DEFERRED_TRAP;
        deferredTraps[pc] = new TrapException(pc, "second slot of ld_imm64 executed");
      }
    }
    for (int pc = 0; pc < length; pc++) {
      if (DeadCode.isDead(insns, facts, pc)) {
        code[pc] = Ops.DEFERRED_TRAP;
        deferredTraps[pc] = new DeadCode.Reached(pc);
      }
    }
  }

  private void predecode(Program program, Insn[] insns, int pc) {
    Insn insn = insns[pc];
    int op = Ops.of(insn);
    if (op == Ops.LD_IMM64) {
      wide[pc] = (insns[pc + 1].imm() & 0xffffffffL) << 32 | (insn.imm() & 0xffffffffL);
      if (insn.src() != 0) {
        try {
          wide[pc] = program.linkage().ldImm64(pc);
        } catch (XdpemuException e) {
          op = Ops.DEFERRED_TRAP;
          deferredTraps[pc] = e;
        }
      }
    } else if (op == Ops.CALL_KFUNC) {
      kfuncs[pc] = program.linkage().kfunc(pc);
    }
    long t = Decoder.jumpTarget(insn, pc);
    if (t != Long.MIN_VALUE) {
      target[pc] = (int) t;
    }
    code[pc] =
        op
            | insn.dst() << 8
            | insn.src() << 12
            | (insn.off() & 0xffffL) << 16
            | (long) insn.imm() << 32;
  }

  public String name() {
    return name;
  }

  @Override
  public long run(ExecutionContext ctx, long r1) {
    return execute(ctx, 0, 0, r1, 0, 0, 0, 0);
  }

  @Override
  public long run(ExecutionContext ctx, long r1, long r2) {
    return execute(ctx, 0, 0, r1, r2, 0, 0, 0);
  }

  private static final long M32 = 0xffffffffL;

  /** Run in the context's reusable register file instead of a new one per run (see execute). */
  private static final boolean REUSE_REGISTERS = Boolean.getBoolean("xdpemu.interp.reuseRegisters");

  /**
   * Runs a callback subprogram for bpf_loop / bpf_for_each_map_elem: {@code function} is the
   * instruction index the loader's {@link Linkage} gave the program for its {@code ld_imm64} src 4
   * (BPF_PSEUDO_FUNC). It runs in a new frame below the helper's caller, with its own registers,
   * and returns at its {@code exit}, as the kernel runs callbacks.
   */
  @Override
  public long invoke(
      ExecutionContext ctx, long function, long r1, long r2, long r3, long r4, long r5) {
    int callerDepth = ctx.helperCallerDepth;
    int pc = ctx.pc;
    if (function < 0 || function >= code.length - 1) {
      throw new TrapException(
          pc, "callback at instruction " + function + " is outside the program");
    }
    if (callerDepth + 1 >= ExecutionContext.MAX_FRAMES) {
      throw new TrapException(
          pc, "call stack too deep: more than " + ExecutionContext.MAX_FRAMES + " frames");
    }
    try {
      return execute(ctx, (int) function, callerDepth + 1, r1, r2, r3, r4, r5);
    } finally { // the helper may call back again: restore what its caller's call set up
      ctx.helperCallerDepth = callerDepth;
      ctx.callbacks = this;
      ctx.pc = pc;
    }
  }

  /**
   * Runs from {@code startPc} in frame {@code baseDepth} until the {@code exit} of that frame: the
   * whole program (0, 0) or a callback.
   */
  private long execute(
      ExecutionContext ctx,
      int startPc,
      int baseDepth,
      long r1,
      long r2,
      long r3,
      long r4,
      long r5) {
    // A new long[16] per run by default: C2 sees the allocation, drops the bounds checks and
    // knows the array aliases nothing. -Dxdpemu.interp.reuseRegisters=true takes the context's
    // register file instead (no garbage per packet, but measured 2.65-4.9 instead of 2.3 ns/insn;
    // see the class comment). The flag is a static final, so C2 compiles only one of the two.
    final long[] r = REUSE_REGISTERS ? ctx.takeRegisters() : new long[16];
    r[1] = r1;
    r[2] = r2;
    r[3] = r3;
    r[4] = r4;
    r[5] = r5;
    r[10] = ExecutionContext.framePointer(baseDepth);
    Interpreter prog = this;
    long[] code = this.code;
    long budget = ctx.budget;
    int pc = startPc;
    int runStart = startPc;
    int depth = baseDepth;
    CallStack frames = null;
    try {
      for (; ; ) {
        final long w = code[pc];
        final int op = (int) w & 0xff;
        final int d = (int) (w >>> 8) & 15;
        final int s = (int) (w >>> 12) & 15;
        final long k = w >> 32;
        taken:
        {
          // Three nested switches of <= 8 cases: compare trees, not one indirect jump (see Ops).
          switch (op >>> 6) {
            case 0: // ALU64 (groups 0-3), ALU32 (groups 4-7)
              switch (op >>> 3) {
                case 0:
                  switch (op) {
                    case Ops.ADD64_K:
                      r[d] += k;
                      break;
                    case Ops.SUB64_K:
                      r[d] -= k;
                      break;
                    case Ops.MUL64_K:
                      r[d] *= k;
                      break;
                    case Ops.OR64_K:
                      r[d] |= k;
                      break;
                    case Ops.AND64_K:
                      r[d] &= k;
                      break;
                    case Ops.XOR64_K:
                      r[d] ^= k;
                      break;
                    case Ops.MOV64_K:
                      r[d] = k;
                      break;
                    case Ops.LSH64_K:
                      r[d] <<= k;
                      break;
                    default:
                      throw unknownOp(op, pc);
                  }
                  break;
                case 1:
                  switch (op) {
                    case Ops.RSH64_K:
                      r[d] >>>= k;
                      break;
                    case Ops.ARSH64_K:
                      r[d] >>= k;
                      break;
                    case Ops.NEG64:
                      r[d] = -r[d];
                      break;
                    case Ops.DIV64_K:
                      r[d] = AluSemantics.udiv64(r[d], k);
                      break;
                    case Ops.MOD64_K:
                      r[d] = AluSemantics.umod64(r[d], k);
                      break;
                    case Ops.SDIV64_K:
                      r[d] = AluSemantics.sdiv64(r[d], k);
                      break;
                    case Ops.SMOD64_K:
                      r[d] = AluSemantics.smod64(r[d], k);
                      break;
                    case Ops.BSWAP:
                      r[d] = AluSemantics.bswap(r[d], (int) k);
                      break;
                    default:
                      throw unknownOp(op, pc);
                  }
                  break;
                case 2:
                  switch (op) {
                    case Ops.ADD64_X:
                      r[d] += r[s];
                      break;
                    case Ops.SUB64_X:
                      r[d] -= r[s];
                      break;
                    case Ops.MUL64_X:
                      r[d] *= r[s];
                      break;
                    case Ops.OR64_X:
                      r[d] |= r[s];
                      break;
                    case Ops.AND64_X:
                      r[d] &= r[s];
                      break;
                    case Ops.XOR64_X:
                      r[d] ^= r[s];
                      break;
                    case Ops.MOV64_X:
                      r[d] = r[s];
                      break;
                    case Ops.LSH64_X:
                      r[d] <<= r[s];
                      break;
                    default:
                      throw unknownOp(op, pc);
                  }
                  break;
                case 3:
                  switch (op) {
                    case Ops.RSH64_X:
                      r[d] >>>= r[s];
                      break;
                    case Ops.ARSH64_X:
                      r[d] >>= r[s];
                      break;
                    case Ops.DIV64_X:
                      r[d] = AluSemantics.udiv64(r[d], r[s]);
                      break;
                    case Ops.MOD64_X:
                      r[d] = AluSemantics.umod64(r[d], r[s]);
                      break;
                    case Ops.SDIV64_X:
                      r[d] = AluSemantics.sdiv64(r[d], r[s]);
                      break;
                    case Ops.SMOD64_X:
                      r[d] = AluSemantics.smod64(r[d], r[s]);
                      break;
                    case Ops.MOVSX64:
                      r[d] = AluSemantics.movsx64(r[s], (short) (w >>> 16));
                      break;
                    default:
                      throw unknownOp(op, pc);
                  }
                  break;
                case 4:
                  switch (op) {
                    case Ops.ADD32_K:
                      r[d] = ((int) r[d] + (int) k) & M32;
                      break;
                    case Ops.SUB32_K:
                      r[d] = ((int) r[d] - (int) k) & M32;
                      break;
                    case Ops.MUL32_K:
                      r[d] = ((int) r[d] * (int) k) & M32;
                      break;
                    case Ops.OR32_K:
                      r[d] = ((int) r[d] | (int) k) & M32;
                      break;
                    case Ops.AND32_K:
                      r[d] = ((int) r[d] & (int) k) & M32;
                      break;
                    case Ops.XOR32_K:
                      r[d] = ((int) r[d] ^ (int) k) & M32;
                      break;
                    case Ops.MOV32_K:
                      r[d] = k & M32;
                      break;
                    case Ops.LSH32_K:
                      r[d] = AluSemantics.lsh32(r[d], k);
                      break;
                    default:
                      throw unknownOp(op, pc);
                  }
                  break;
                case 5:
                  switch (op) {
                    case Ops.RSH32_K:
                      r[d] = AluSemantics.rsh32(r[d], k);
                      break;
                    case Ops.ARSH32_K:
                      r[d] = AluSemantics.arsh32(r[d], k);
                      break;
                    case Ops.NEG32:
                      r[d] = -(int) r[d] & M32;
                      break;
                    case Ops.DIV32_K:
                      r[d] = AluSemantics.udiv32(r[d], k);
                      break;
                    case Ops.MOD32_K:
                      r[d] = AluSemantics.umod32(r[d], k);
                      break;
                    case Ops.SDIV32_K:
                      r[d] = AluSemantics.sdiv32(r[d], k);
                      break;
                    case Ops.SMOD32_K:
                      r[d] = AluSemantics.smod32(r[d], k);
                      break;
                    case Ops.TO_LE32:
                      r[d] = AluSemantics.toLe(r[d], (int) k);
                      break;
                    default:
                      throw unknownOp(op, pc);
                  }
                  break;
                case 6:
                  switch (op) {
                    case Ops.ADD32_X:
                      r[d] = ((int) r[d] + (int) r[s]) & M32;
                      break;
                    case Ops.SUB32_X:
                      r[d] = ((int) r[d] - (int) r[s]) & M32;
                      break;
                    case Ops.MUL32_X:
                      r[d] = ((int) r[d] * (int) r[s]) & M32;
                      break;
                    case Ops.OR32_X:
                      r[d] = ((int) r[d] | (int) r[s]) & M32;
                      break;
                    case Ops.AND32_X:
                      r[d] = ((int) r[d] & (int) r[s]) & M32;
                      break;
                    case Ops.XOR32_X:
                      r[d] = ((int) r[d] ^ (int) r[s]) & M32;
                      break;
                    case Ops.MOV32_X:
                      r[d] = r[s] & M32;
                      break;
                    case Ops.LSH32_X:
                      r[d] = AluSemantics.lsh32(r[d], r[s]);
                      break;
                    default:
                      throw unknownOp(op, pc);
                  }
                  break;
                case 7:
                  switch (op) {
                    case Ops.RSH32_X:
                      r[d] = AluSemantics.rsh32(r[d], r[s]);
                      break;
                    case Ops.ARSH32_X:
                      r[d] = AluSemantics.arsh32(r[d], r[s]);
                      break;
                    case Ops.DIV32_X:
                      r[d] = AluSemantics.udiv32(r[d], r[s]);
                      break;
                    case Ops.MOD32_X:
                      r[d] = AluSemantics.umod32(r[d], r[s]);
                      break;
                    case Ops.SDIV32_X:
                      r[d] = AluSemantics.sdiv32(r[d], r[s]);
                      break;
                    case Ops.SMOD32_X:
                      r[d] = AluSemantics.smod32(r[d], r[s]);
                      break;
                    case Ops.MOVSX32:
                      r[d] = AluSemantics.movsx32(r[s], (short) (w >>> 16));
                      break;
                    case Ops.TO_BE32:
                      r[d] = AluSemantics.bswap(r[d], (int) k);
                      break;
                    default:
                      throw unknownOp(op, pc);
                  }
                  break;
                default:
                  throw unknownOp(op, pc);
              }
              break;
            case 1: // jumps (groups 8-13), calls and exit (group 14)
              switch (op >>> 3) {
                case 8:
                  switch (op) {
                    case Ops.JA:
                      break taken;
                    case Ops.JEQ_K:
                      if (r[d] == k) break taken;
                      break;
                    case Ops.JNE_K:
                      if (r[d] != k) break taken;
                      break;
                    case Ops.JGT_K:
                      if (Long.compareUnsigned(r[d], k) > 0) break taken;
                      break;
                    case Ops.JGE_K:
                      if (Long.compareUnsigned(r[d], k) >= 0) break taken;
                      break;
                    case Ops.JLT_K:
                      if (Long.compareUnsigned(r[d], k) < 0) break taken;
                      break;
                    case Ops.JLE_K:
                      if (Long.compareUnsigned(r[d], k) <= 0) break taken;
                      break;
                    case Ops.JSET_K:
                      if ((r[d] & k) != 0) break taken;
                      break;
                    default:
                      throw unknownOp(op, pc);
                  }
                  break;
                case 9:
                  switch (op) {
                    case Ops.JSGT_K:
                      if (r[d] > k) break taken;
                      break;
                    case Ops.JSGE_K:
                      if (r[d] >= k) break taken;
                      break;
                    case Ops.JSLT_K:
                      if (r[d] < k) break taken;
                      break;
                    case Ops.JSLE_K:
                      if (r[d] <= k) break taken;
                      break;
                    case Ops.JEQ_X:
                      if (r[d] == r[s]) break taken;
                      break;
                    case Ops.JNE_X:
                      if (r[d] != r[s]) break taken;
                      break;
                    case Ops.JGT_X:
                      if (Long.compareUnsigned(r[d], r[s]) > 0) break taken;
                      break;
                    case Ops.JGE_X:
                      if (Long.compareUnsigned(r[d], r[s]) >= 0) break taken;
                      break;
                    default:
                      throw unknownOp(op, pc);
                  }
                  break;
                case 10:
                  switch (op) {
                    case Ops.JLT_X:
                      if (Long.compareUnsigned(r[d], r[s]) < 0) break taken;
                      break;
                    case Ops.JLE_X:
                      if (Long.compareUnsigned(r[d], r[s]) <= 0) break taken;
                      break;
                    case Ops.JSET_X:
                      if ((r[d] & r[s]) != 0) break taken;
                      break;
                    case Ops.JSGT_X:
                      if (r[d] > r[s]) break taken;
                      break;
                    case Ops.JSGE_X:
                      if (r[d] >= r[s]) break taken;
                      break;
                    case Ops.JSLT_X:
                      if (r[d] < r[s]) break taken;
                      break;
                    case Ops.JSLE_X:
                      if (r[d] <= r[s]) break taken;
                      break;
                    case Ops.JA32:
                      break taken;
                    default:
                      throw unknownOp(op, pc);
                  }
                  break;
                case 11:
                  switch (op) {
                    case Ops.JEQ32_K:
                      if ((int) r[d] == (int) k) break taken;
                      break;
                    case Ops.JNE32_K:
                      if ((int) r[d] != (int) k) break taken;
                      break;
                    case Ops.JGT32_K:
                      if (Integer.compareUnsigned((int) r[d], (int) k) > 0) break taken;
                      break;
                    case Ops.JGE32_K:
                      if (Integer.compareUnsigned((int) r[d], (int) k) >= 0) break taken;
                      break;
                    case Ops.JLT32_K:
                      if (Integer.compareUnsigned((int) r[d], (int) k) < 0) break taken;
                      break;
                    case Ops.JLE32_K:
                      if (Integer.compareUnsigned((int) r[d], (int) k) <= 0) break taken;
                      break;
                    case Ops.JSET32_K:
                      if (((int) r[d] & (int) k) != 0) break taken;
                      break;
                    case Ops.JSGT32_K:
                      if ((int) r[d] > (int) k) break taken;
                      break;
                    default:
                      throw unknownOp(op, pc);
                  }
                  break;
                case 12:
                  switch (op) {
                    case Ops.JSGE32_K:
                      if ((int) r[d] >= (int) k) break taken;
                      break;
                    case Ops.JSLT32_K:
                      if ((int) r[d] < (int) k) break taken;
                      break;
                    case Ops.JSLE32_K:
                      if ((int) r[d] <= (int) k) break taken;
                      break;
                    case Ops.JEQ32_X:
                      if ((int) r[d] == (int) r[s]) break taken;
                      break;
                    case Ops.JNE32_X:
                      if ((int) r[d] != (int) r[s]) break taken;
                      break;
                    case Ops.JGT32_X:
                      if (Integer.compareUnsigned((int) r[d], (int) r[s]) > 0) break taken;
                      break;
                    case Ops.JGE32_X:
                      if (Integer.compareUnsigned((int) r[d], (int) r[s]) >= 0) break taken;
                      break;
                    case Ops.JLT32_X:
                      if (Integer.compareUnsigned((int) r[d], (int) r[s]) < 0) break taken;
                      break;
                    default:
                      throw unknownOp(op, pc);
                  }
                  break;
                case 13:
                  switch (op) {
                    case Ops.JLE32_X:
                      if (Integer.compareUnsigned((int) r[d], (int) r[s]) <= 0) break taken;
                      break;
                    case Ops.JSET32_X:
                      if (((int) r[d] & (int) r[s]) != 0) break taken;
                      break;
                    case Ops.JSGT32_X:
                      if ((int) r[d] > (int) r[s]) break taken;
                      break;
                    case Ops.JSGE32_X:
                      if ((int) r[d] >= (int) r[s]) break taken;
                      break;
                    case Ops.JSLT32_X:
                      if ((int) r[d] < (int) r[s]) break taken;
                      break;
                    case Ops.JSLE32_X:
                      if ((int) r[d] <= (int) r[s]) break taken;
                      break;
                    default:
                      throw unknownOp(op, pc);
                  }
                  break;
                default:
                  switch (op) {
                    case Ops.CALL_HELPER:
                    case Ops.CALLX:
                    case Ops.CALL_KFUNC:
                      {
                        // A helper may call back into the program (bpf_loop): it runs on the
                        // shared budget, in a frame below this one.
                        ctx.budget = budget;
                        ctx.helperCallerDepth = depth;
                        ctx.callbacks = prog;
                        r[0] = prog.callHelper(ctx, r, op, d, pc);
                        budget = ctx.budget;
                        Program next = ctx.tailCallTarget;
                        if (next != null) {
                          ctx.tailCallTarget = null;
                          budget -= pc + 1 - runStart;
                          prog = prog.tailTarget(next);
                          code = prog.code;
                          r[10] = ExecutionContext.framePointer(depth);
                          pc = runStart = 0;
                          if (budget < 0) {
                            throw budgetExhausted(pc);
                          }
                          continue;
                        }
                        break;
                      }
                    case Ops.CALL_LOCAL:
                      if (depth + 1 >= ExecutionContext.MAX_FRAMES) {
                        throw new TrapException(
                            pc,
                            "call stack too deep: more than "
                                + ExecutionContext.MAX_FRAMES
                                + " frames");
                      }
                      if (frames == null) {
                        frames = ctx.callStack(r);
                      }
                      frames.push(depth, r, pc + 1, prog);
                      depth++;
                      r[10] = ExecutionContext.framePointer(depth);
                      break taken;
                    case Ops.EXIT:
                      budget -= pc + 1 - runStart;
                      if (depth == baseDepth) {
                        ctx.budget = budget;
                        return r[0];
                      }
                      depth--;
                      pc = runStart = frames.pop(depth, r);
                      if (frames.program(depth) != prog) {
                        prog = frames.program(depth);
                        code = prog.code;
                      }
                      continue;
                    default:
                      throw unknownOp(op, pc);
                  }
              }
              break;
            case 2: // loads, stores, atomics
              switch (op >>> 3) {
                case 16:
                  switch (op) {
                    case Ops.LDXB:
                      r[d] = MemoryAccess.load8(ctx, r[s] + (short) (w >>> 16), pc);
                      break;
                    case Ops.LDXH:
                      r[d] = MemoryAccess.load16(ctx, r[s] + (short) (w >>> 16), pc);
                      break;
                    case Ops.LDXW:
                      r[d] = MemoryAccess.load32(ctx, r[s] + (short) (w >>> 16), pc);
                      break;
                    case Ops.LDXDW:
                      r[d] = MemoryAccess.load64(ctx, r[s] + (short) (w >>> 16), pc);
                      break;
                    case Ops.LDXSB:
                      r[d] = MemoryAccess.loadSigned(ctx, r[s] + (short) (w >>> 16), 1, pc);
                      break;
                    case Ops.LDXSH:
                      r[d] = MemoryAccess.loadSigned(ctx, r[s] + (short) (w >>> 16), 2, pc);
                      break;
                    case Ops.LDXSW:
                      r[d] = MemoryAccess.loadSigned(ctx, r[s] + (short) (w >>> 16), 4, pc);
                      break;
                    case Ops.LD_IMM64:
                      r[d] = prog.wide[pc++];
                      break;
                    default:
                      throw unknownOp(op, pc);
                  }
                  break;
                case 17:
                  switch (op) {
                    case Ops.STB:
                      MemoryAccess.store8(ctx, r[d] + (short) (w >>> 16), k, pc);
                      break;
                    case Ops.STH:
                      MemoryAccess.store16(ctx, r[d] + (short) (w >>> 16), k, pc);
                      break;
                    case Ops.STW:
                      MemoryAccess.store32(ctx, r[d] + (short) (w >>> 16), k, pc);
                      break;
                    case Ops.STDW:
                      MemoryAccess.store64(ctx, r[d] + (short) (w >>> 16), k, pc);
                      break;
                    case Ops.STXB:
                      MemoryAccess.store8(ctx, r[d] + (short) (w >>> 16), r[s], pc);
                      break;
                    case Ops.STXH:
                      MemoryAccess.store16(ctx, r[d] + (short) (w >>> 16), r[s], pc);
                      break;
                    case Ops.STXW:
                      MemoryAccess.store32(ctx, r[d] + (short) (w >>> 16), r[s], pc);
                      break;
                    case Ops.STXDW:
                      MemoryAccess.store64(ctx, r[d] + (short) (w >>> 16), r[s], pc);
                      break;
                    default:
                      throw unknownOp(op, pc);
                  }
                  break;
                case 18:
                  switch (op) {
                    case Ops.ATOMIC32:
                      atomic(ctx, r, w, 4, pc);
                      break;
                    case Ops.ATOMIC64:
                      atomic(ctx, r, w, 8, pc);
                      break;
                    case Ops.ATOMIC8:
                      atomic(ctx, r, w, 1, pc);
                      break;
                    case Ops.ATOMIC16:
                      atomic(ctx, r, w, 2, pc);
                      break;
                    default:
                      throw unknownOp(op, pc);
                  }
                  break;
                default:
                  throw unknownOp(op, pc);
              }
              break;
            default:
              if (op == Ops.DEFERRED_TRAP) {
                throw prog.deferredTraps[pc];
              }
              throw new TrapException(pc, "fell off the end of the program");
          }
          pc++;
          continue;
        }
        // A taken jump or a local call: charge the straight-line run that ends here.
        budget -= pc + 1 - runStart;
        pc = runStart = prog.target[pc];
        if (budget < 0) {
          throw budgetExhausted(pc);
        }
      }
    } catch (XdpemuException e) {
      ctx.budget = budget;
      throw e;
    } catch (RuntimeException e) { // a bug of ours or a helper's: never a trap, which would hide it
      ctx.budget = budget;
      throw new InternalErrorException("interpreter at pc " + pc + " of " + prog.name, e);
    } finally {
      ctx.releaseRegisters(r);
    }
  }

  private static InternalErrorException unknownOp(int op, int pc) {
    return new InternalErrorException(
        "interpreter at pc " + pc, new IllegalStateException("unknown internal op " + op));
  }

  private static TrapException budgetExhausted(int pc) {
    return new TrapException(pc, "instruction budget exhausted");
  }

  private long callHelper(ExecutionContext ctx, long[] r, int op, int d, int pc) {
    Helper h;
    if (op == Ops.CALL_KFUNC) {
      h = kfuncs[pc];
      if (h == null) {
        throw new TrapException(pc, "call to unresolved kfunc (BTF id " + (code[pc] >> 32) + ")");
      }
    } else {
      long id = op == Ops.CALL_HELPER ? code[pc] >> 32 : r[d];
      h = id >= 0 && id <= Integer.MAX_VALUE ? helpers.helper((int) id) : null;
      if (h == null) {
        throw new TrapException(pc, "call to unknown helper id " + id);
      }
    }
    ctx.pc = pc;
    return h.call(ctx, r[1], r[2], r[3], r[4], r[5]);
  }

  private Interpreter tailTarget(Program next) {
    TailTarget t = lastTail;
    if (t != null && t.program() == next) {
      return t.interpreter();
    }
    Interpreter i = forProgram(next);
    lastTail = new TailTarget(next, i);
    return i;
  }

  private static void atomic(ExecutionContext ctx, long[] r, long w, int size, int pc) {
    int d = (int) (w >>> 8) & 15;
    int s = (int) (w >>> 12) & 15;
    int op = (int) (w >> 32);
    long addrBase = op == LOAD_ACQ ? r[s] : r[d];
    if (op == LOAD_ACQ) {
      r[d] = MemoryAccess.loadAcquire(ctx, addrBase + (short) (w >>> 16), size, pc);
      return;
    }
    if (op == STORE_REL) {
      MemoryAccess.storeRelease(ctx, addrBase + (short) (w >>> 16), size, r[s], pc);
      return;
    }
    long old = MemoryAccess.atomic(ctx, r[d] + (short) (w >>> 16), size, op, r[s], r[0], pc);
    if (op == CMPXCHG) {
      r[0] = old;
    } else if ((op & FETCH) != 0) {
      r[s] = old;
    }
  }
}
