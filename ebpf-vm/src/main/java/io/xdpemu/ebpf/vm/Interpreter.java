package io.xdpemu.ebpf.vm;

import static io.xdpemu.ebpf.isa.Opcodes.*;

import io.xdpemu.ebpf.XdpemuException;
import io.xdpemu.ebpf.isa.Decoder;
import io.xdpemu.ebpf.isa.Insn;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The eBPF interpreter: one {@code switch} over int opcodes on a pre-decoded form built once per
 * {@link Program} and cached.
 *
 * <p>Pre-decoded form, one entry per slot plus a sentinel after the last one:
 *
 * <pre>
 *   code[pc]   31            16 15  12 11   8 7        0
 *             +----------------+------+------+----------+
 *             |  offset (s16)  | src  | dst  |  op      |   op = RFC 9669 opcode, or one of the
 *             +----------------+------+------+----------+   internal ops below
 *   imm[pc]    sign-extended imm; the full 64-bit value for ld_imm64 (pseudo sources resolved
 *              through the program's Linkage); the width for movsx
 *   target[pc] absolute slot a jump or local call goes to
 * </pre>
 *
 * <p>Internal ops reuse opcode values that the {@link Decoder} refuses, so that every case of the
 * switch is a single operation: signed division and modulo (offset 1), movsx (offset 8/16/32), local
 * and kfunc calls, a deferred trap (an unresolvable pseudo {@code ld_imm64}) and the sentinel that
 * catches running off the end.
 *
 * <p>Registers live in a local {@code long[16]} (indexes are 4-bit fields, so C2 drops the bounds
 * checks). Memory goes through {@link MemoryAccess}, whose fast paths inline. Cold work (calls,
 * atomics, traps) lives in separate methods to keep {@link #execute} small enough for C2.
 *
 * <p>The instruction budget ({@link ExecutionContext#budget}) is charged per straight-line run, at
 * every taken jump, call and exit: the cost on the hot path is one subtraction per taken jump, and
 * the check happens there, so a run may overshoot its budget by at most one straight-line run
 * before it traps.
 */
public final class Interpreter implements Executable {
  // Internal ops (opcode values the decoder never lets through).
  static final int END_OF_CODE = 0x00;
  static final int SDIV32_K = 0x01, SDIV32_X = 0x02, SDIV64_K = 0x03, SDIV64_X = 0x08;
  static final int SMOD32_K = 0x09, SMOD32_X = 0x0a, SMOD64_K = 0x0b, SMOD64_X = 0x10;
  static final int MOVSX32 = 0x11, MOVSX64 = 0x12, CALL_LOCAL = 0x13, CALL_KFUNC = 0x19;
  static final int DEFERRED_TRAP = 0x1a;

  private static final Map<Program, Interpreter> CACHE =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final String name;
  private final HelperRegistry helpers;
  final int[] code;
  final long[] imm;
  final int[] target;
  private final Helper[] kfuncs;
  private final String[] deferredTraps;
  private final int length;

  /** Last tail-call target seen, to avoid the cache lookup on repeated tail calls. */
  private volatile TailTarget lastTail;

  private record TailTarget(Program program, Interpreter interpreter) {}

  /** The interpreter for {@code program}, pre-decoded once and cached while the program lives. */
  public static Interpreter forProgram(Program program) {
    Interpreter cached = CACHE.get(program);
    if (cached == null) {
      cached = new Interpreter(program);
      CACHE.put(program, cached);
    }
    return cached;
  }

  private Interpreter(Program program) {
    Insn[] insns = Decoder.validate(program.insns());
    this.name = program.name();
    this.helpers = program.helpers();
    this.length = insns.length;
    this.code = new int[length + 1];
    this.imm = new long[length + 1];
    this.target = new int[length + 1];
    this.kfuncs = new Helper[length + 1];
    this.deferredTraps = new String[length + 1];
    code[length] = END_OF_CODE;
    for (int pc = 0; pc < length; pc++) {
      predecode(program, insns, pc);
      if (insns[pc].opcode() == LD_IMM64) {
        pc++; // second slot: never executed (the decoder forbids jumping into it)
      }
    }
  }

  private void predecode(Program program, Insn[] insns, int pc) {
    Insn insn = insns[pc];
    int op = insn.opcode();
    int off = insn.off();
    long k = insn.imm();
    int cls = op & 0x07;
    if ((cls == ALU || cls == ALU64) && off != 0) {
      boolean wide = cls == ALU64;
      boolean x = (op & X) != 0;
      switch (op & 0xf0) {
        case DIV:
          op = wide ? (x ? SDIV64_X : SDIV64_K) : (x ? SDIV32_X : SDIV32_K);
          break;
        case MOD:
          op = wide ? (x ? SMOD64_X : SMOD64_K) : (x ? SMOD32_X : SMOD32_K);
          break;
        default: // MOV with offset 8/16/32
          op = wide ? MOVSX64 : MOVSX32;
          k = off;
      }
      off = 0;
    } else if (op == LD_IMM64) {
      k = (insns[pc + 1].imm() & 0xffffffffL) << 32 | (insn.imm() & 0xffffffffL);
      if (insn.src() != 0) {
        try {
          k = program.linkage().ldImm64(pc);
        } catch (XdpemuException e) {
          op = DEFERRED_TRAP;
          deferredTraps[pc] = e.getMessage();
        }
      }
    } else if (op == CALL_OP && insn.src() == PSEUDO_CALL) {
      op = CALL_LOCAL;
    } else if (op == CALL_OP && insn.src() == PSEUDO_KFUNC_CALL) {
      op = CALL_KFUNC;
      kfuncs[pc] = program.linkage().kfunc(pc);
    }
    long t = Decoder.jumpTarget(insn, pc);
    if (t != Long.MIN_VALUE) {
      target[pc] = (int) t;
    }
    code[pc] = op | insn.dst() << 8 | insn.src() << 12 | off << 16;
    imm[pc] = k;
  }

  public String name() {
    return name;
  }

  @Override
  public long run(ExecutionContext ctx, long r1) {
    return execute(ctx, r1, 0);
  }

  @Override
  public long run(ExecutionContext ctx, long r1, long r2) {
    return execute(ctx, r1, r2);
  }

  private static final long M32 = 0xffffffffL;

  private long execute(ExecutionContext ctx, long r1, long r2) {
    final long[] r = new long[16];
    r[1] = r1;
    r[2] = r2;
    r[10] = ExecutionContext.framePointer(0);
    Interpreter prog = this;
    int[] code = this.code;
    long[] imm = this.imm;
    long budget = ctx.budget;
    int pc = 0;
    int runStart = 0;
    int depth = 0;
    CallStack frames = null;
    try {
      for (; ; ) {
        int w = code[pc];
        int d = (w >>> 8) & 15;
        int s = (w >>> 12) & 15;
        taken:
        {
          switch (w & 0xff) {
            // ALU64, immediate
            case ALU64 | ADD | K: r[d] += imm[pc]; break;
            case ALU64 | SUB | K: r[d] -= imm[pc]; break;
            case ALU64 | MUL | K: r[d] *= imm[pc]; break;
            case ALU64 | DIV | K: r[d] = AluSemantics.udiv64(r[d], imm[pc]); break;
            case ALU64 | OR | K: r[d] |= imm[pc]; break;
            case ALU64 | AND | K: r[d] &= imm[pc]; break;
            case ALU64 | LSH | K: r[d] <<= imm[pc]; break;
            case ALU64 | RSH | K: r[d] >>>= imm[pc]; break;
            case ALU64 | NEG | K: r[d] = -r[d]; break;
            case ALU64 | MOD | K: r[d] = AluSemantics.umod64(r[d], imm[pc]); break;
            case ALU64 | XOR | K: r[d] ^= imm[pc]; break;
            case ALU64 | MOV | K: r[d] = imm[pc]; break;
            case ALU64 | ARSH | K: r[d] >>= imm[pc]; break;
            case ALU64 | END | K: r[d] = AluSemantics.bswap(r[d], (int) imm[pc]); break;
            case SDIV64_K: r[d] = AluSemantics.sdiv64(r[d], imm[pc]); break;
            case SMOD64_K: r[d] = AluSemantics.smod64(r[d], imm[pc]); break;
            // ALU64, register
            case ALU64 | ADD | X: r[d] += r[s]; break;
            case ALU64 | SUB | X: r[d] -= r[s]; break;
            case ALU64 | MUL | X: r[d] *= r[s]; break;
            case ALU64 | DIV | X: r[d] = AluSemantics.udiv64(r[d], r[s]); break;
            case ALU64 | OR | X: r[d] |= r[s]; break;
            case ALU64 | AND | X: r[d] &= r[s]; break;
            case ALU64 | LSH | X: r[d] <<= r[s]; break;
            case ALU64 | RSH | X: r[d] >>>= r[s]; break;
            case ALU64 | MOD | X: r[d] = AluSemantics.umod64(r[d], r[s]); break;
            case ALU64 | XOR | X: r[d] ^= r[s]; break;
            case ALU64 | MOV | X: r[d] = r[s]; break;
            case ALU64 | ARSH | X: r[d] >>= r[s]; break;
            case SDIV64_X: r[d] = AluSemantics.sdiv64(r[d], r[s]); break;
            case SMOD64_X: r[d] = AluSemantics.smod64(r[d], r[s]); break;
            case MOVSX64: r[d] = AluSemantics.movsx64(r[s], (int) imm[pc]); break;
            // ALU32, immediate: compute on the low word, zero-extend
            case ALU | ADD | K: r[d] = ((int) r[d] + (int) imm[pc]) & M32; break;
            case ALU | SUB | K: r[d] = ((int) r[d] - (int) imm[pc]) & M32; break;
            case ALU | MUL | K: r[d] = ((int) r[d] * (int) imm[pc]) & M32; break;
            case ALU | DIV | K: r[d] = AluSemantics.udiv32(r[d], imm[pc]); break;
            case ALU | OR | K: r[d] = ((int) r[d] | (int) imm[pc]) & M32; break;
            case ALU | AND | K: r[d] = ((int) r[d] & (int) imm[pc]) & M32; break;
            case ALU | LSH | K: r[d] = AluSemantics.lsh32(r[d], imm[pc]); break;
            case ALU | RSH | K: r[d] = AluSemantics.rsh32(r[d], imm[pc]); break;
            case ALU | NEG | K: r[d] = -(int) r[d] & M32; break;
            case ALU | MOD | K: r[d] = AluSemantics.umod32(r[d], imm[pc]); break;
            case ALU | XOR | K: r[d] = ((int) r[d] ^ (int) imm[pc]) & M32; break;
            case ALU | MOV | K: r[d] = imm[pc] & M32; break;
            case ALU | ARSH | K: r[d] = AluSemantics.arsh32(r[d], imm[pc]); break;
            case ALU | END | TO_LE: r[d] = AluSemantics.toLe(r[d], (int) imm[pc]); break;
            case ALU | END | TO_BE: r[d] = AluSemantics.bswap(r[d], (int) imm[pc]); break;
            case SDIV32_K: r[d] = AluSemantics.sdiv32(r[d], imm[pc]); break;
            case SMOD32_K: r[d] = AluSemantics.smod32(r[d], imm[pc]); break;
            // ALU32, register
            case ALU | ADD | X: r[d] = ((int) r[d] + (int) r[s]) & M32; break;
            case ALU | SUB | X: r[d] = ((int) r[d] - (int) r[s]) & M32; break;
            case ALU | MUL | X: r[d] = ((int) r[d] * (int) r[s]) & M32; break;
            case ALU | DIV | X: r[d] = AluSemantics.udiv32(r[d], r[s]); break;
            case ALU | OR | X: r[d] = ((int) r[d] | (int) r[s]) & M32; break;
            case ALU | AND | X: r[d] = ((int) r[d] & (int) r[s]) & M32; break;
            case ALU | LSH | X: r[d] = AluSemantics.lsh32(r[d], r[s]); break;
            case ALU | RSH | X: r[d] = AluSemantics.rsh32(r[d], r[s]); break;
            case ALU | MOD | X: r[d] = AluSemantics.umod32(r[d], r[s]); break;
            case ALU | XOR | X: r[d] = ((int) r[d] ^ (int) r[s]) & M32; break;
            case ALU | MOV | X: r[d] = r[s] & M32; break;
            case ALU | ARSH | X: r[d] = AluSemantics.arsh32(r[d], r[s]); break;
            case SDIV32_X: r[d] = AluSemantics.sdiv32(r[d], r[s]); break;
            case SMOD32_X: r[d] = AluSemantics.smod32(r[d], r[s]); break;
            case MOVSX32: r[d] = AluSemantics.movsx32(r[s], (int) imm[pc]); break;
            // Loads and stores
            case LD_IMM64: r[d] = imm[pc]; pc++; break;
            case LDX | MEM | B: r[d] = MemoryAccess.load8(ctx, r[s] + (w >> 16), pc); break;
            case LDX | MEM | H: r[d] = MemoryAccess.load16(ctx, r[s] + (w >> 16), pc); break;
            case LDX | MEM | W: r[d] = MemoryAccess.load32(ctx, r[s] + (w >> 16), pc); break;
            case LDX | MEM | DW: r[d] = MemoryAccess.load64(ctx, r[s] + (w >> 16), pc); break;
            case LDX | MEMSX | B: r[d] = MemoryAccess.loadSigned(ctx, r[s] + (w >> 16), 1, pc); break;
            case LDX | MEMSX | H: r[d] = MemoryAccess.loadSigned(ctx, r[s] + (w >> 16), 2, pc); break;
            case LDX | MEMSX | W: r[d] = MemoryAccess.loadSigned(ctx, r[s] + (w >> 16), 4, pc); break;
            case ST | MEM | B: MemoryAccess.store8(ctx, r[d] + (w >> 16), imm[pc], pc); break;
            case ST | MEM | H: MemoryAccess.store16(ctx, r[d] + (w >> 16), imm[pc], pc); break;
            case ST | MEM | W: MemoryAccess.store32(ctx, r[d] + (w >> 16), imm[pc], pc); break;
            case ST | MEM | DW: MemoryAccess.store64(ctx, r[d] + (w >> 16), imm[pc], pc); break;
            case STX | MEM | B: MemoryAccess.store8(ctx, r[d] + (w >> 16), r[s], pc); break;
            case STX | MEM | H: MemoryAccess.store16(ctx, r[d] + (w >> 16), r[s], pc); break;
            case STX | MEM | W: MemoryAccess.store32(ctx, r[d] + (w >> 16), r[s], pc); break;
            case STX | MEM | DW: MemoryAccess.store64(ctx, r[d] + (w >> 16), r[s], pc); break;
            case STX | ATOMIC | W: atomic(ctx, r, w, (int) imm[pc], 4, pc); break;
            case STX | ATOMIC | DW: atomic(ctx, r, w, (int) imm[pc], 8, pc); break;
            // Jumps, 64-bit compares
            case JMP | JA: break taken;
            case JMP | JEQ | K: if (r[d] == imm[pc]) break taken; break;
            case JMP | JEQ | X: if (r[d] == r[s]) break taken; break;
            case JMP | JNE | K: if (r[d] != imm[pc]) break taken; break;
            case JMP | JNE | X: if (r[d] != r[s]) break taken; break;
            case JMP | JSET | K: if ((r[d] & imm[pc]) != 0) break taken; break;
            case JMP | JSET | X: if ((r[d] & r[s]) != 0) break taken; break;
            case JMP | JGT | K: if (Long.compareUnsigned(r[d], imm[pc]) > 0) break taken; break;
            case JMP | JGT | X: if (Long.compareUnsigned(r[d], r[s]) > 0) break taken; break;
            case JMP | JGE | K: if (Long.compareUnsigned(r[d], imm[pc]) >= 0) break taken; break;
            case JMP | JGE | X: if (Long.compareUnsigned(r[d], r[s]) >= 0) break taken; break;
            case JMP | JLT | K: if (Long.compareUnsigned(r[d], imm[pc]) < 0) break taken; break;
            case JMP | JLT | X: if (Long.compareUnsigned(r[d], r[s]) < 0) break taken; break;
            case JMP | JLE | K: if (Long.compareUnsigned(r[d], imm[pc]) <= 0) break taken; break;
            case JMP | JLE | X: if (Long.compareUnsigned(r[d], r[s]) <= 0) break taken; break;
            case JMP | JSGT | K: if (r[d] > imm[pc]) break taken; break;
            case JMP | JSGT | X: if (r[d] > r[s]) break taken; break;
            case JMP | JSGE | K: if (r[d] >= imm[pc]) break taken; break;
            case JMP | JSGE | X: if (r[d] >= r[s]) break taken; break;
            case JMP | JSLT | K: if (r[d] < imm[pc]) break taken; break;
            case JMP | JSLT | X: if (r[d] < r[s]) break taken; break;
            case JMP | JSLE | K: if (r[d] <= imm[pc]) break taken; break;
            case JMP | JSLE | X: if (r[d] <= r[s]) break taken; break;
            // Jumps, 32-bit compares (low words)
            case JMP32 | JA: break taken;
            case JMP32 | JEQ | K: if ((int) r[d] == (int) imm[pc]) break taken; break;
            case JMP32 | JEQ | X: if ((int) r[d] == (int) r[s]) break taken; break;
            case JMP32 | JNE | K: if ((int) r[d] != (int) imm[pc]) break taken; break;
            case JMP32 | JNE | X: if ((int) r[d] != (int) r[s]) break taken; break;
            case JMP32 | JSET | K: if (((int) r[d] & (int) imm[pc]) != 0) break taken; break;
            case JMP32 | JSET | X: if (((int) r[d] & (int) r[s]) != 0) break taken; break;
            case JMP32 | JGT | K: if (Integer.compareUnsigned((int) r[d], (int) imm[pc]) > 0) break taken; break;
            case JMP32 | JGT | X: if (Integer.compareUnsigned((int) r[d], (int) r[s]) > 0) break taken; break;
            case JMP32 | JGE | K: if (Integer.compareUnsigned((int) r[d], (int) imm[pc]) >= 0) break taken; break;
            case JMP32 | JGE | X: if (Integer.compareUnsigned((int) r[d], (int) r[s]) >= 0) break taken; break;
            case JMP32 | JLT | K: if (Integer.compareUnsigned((int) r[d], (int) imm[pc]) < 0) break taken; break;
            case JMP32 | JLT | X: if (Integer.compareUnsigned((int) r[d], (int) r[s]) < 0) break taken; break;
            case JMP32 | JLE | K: if (Integer.compareUnsigned((int) r[d], (int) imm[pc]) <= 0) break taken; break;
            case JMP32 | JLE | X: if (Integer.compareUnsigned((int) r[d], (int) r[s]) <= 0) break taken; break;
            case JMP32 | JSGT | K: if ((int) r[d] > (int) imm[pc]) break taken; break;
            case JMP32 | JSGT | X: if ((int) r[d] > (int) r[s]) break taken; break;
            case JMP32 | JSGE | K: if ((int) r[d] >= (int) imm[pc]) break taken; break;
            case JMP32 | JSGE | X: if ((int) r[d] >= (int) r[s]) break taken; break;
            case JMP32 | JSLT | K: if ((int) r[d] < (int) imm[pc]) break taken; break;
            case JMP32 | JSLT | X: if ((int) r[d] < (int) r[s]) break taken; break;
            case JMP32 | JSLE | K: if ((int) r[d] <= (int) imm[pc]) break taken; break;
            case JMP32 | JSLE | X: if ((int) r[d] <= (int) r[s]) break taken; break;
            // Calls and exit
            case CALL_OP:
            case JMP | CALL | X:
            case CALL_KFUNC:
              {
                r[0] = prog.callHelper(ctx, r, w, pc);
                Program next = ctx.tailCallTarget;
                if (next != null) {
                  ctx.tailCallTarget = null;
                  budget -= pc + 1 - runStart;
                  prog = prog.tailTarget(next);
                  code = prog.code;
                  imm = prog.imm;
                  r[10] = ExecutionContext.framePointer(depth);
                  pc = runStart = 0;
                  if (budget < 0) {
                    throw budgetExhausted(pc);
                  }
                  continue;
                }
                break;
              }
            case CALL_LOCAL:
              if (depth + 1 >= ExecutionContext.MAX_FRAMES) {
                throw new TrapException(
                    pc, "call stack too deep: more than " + ExecutionContext.MAX_FRAMES + " frames");
              }
              if (frames == null) {
                frames = new CallStack();
              }
              frames.push(depth, r, pc + 1, prog);
              depth++;
              r[10] = ExecutionContext.framePointer(depth);
              break taken;
            case JMP | EXIT:
              budget -= pc + 1 - runStart;
              if (depth == 0) {
                ctx.budget = budget;
                return r[0];
              }
              depth--;
              pc = runStart = frames.pop(depth, r);
              if (frames.program(depth) != prog) {
                prog = frames.program(depth);
                code = prog.code;
                imm = prog.imm;
              }
              continue;
            case DEFERRED_TRAP:
              throw new TrapException(pc, prog.deferredTraps[pc]);
            case END_OF_CODE:
              throw new TrapException(pc, "fell off the end of the program");
            default:
              throw new TrapException(pc, String.format("unsupported opcode 0x%02x", w & 0xff));
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
    } catch (RuntimeException e) { // a bug of ours or a helper's: still a trap, never a JVM crash
      ctx.budget = budget;
      throw new TrapException(pc, "internal error: " + e, e);
    }
  }

  private static TrapException budgetExhausted(int pc) {
    return new TrapException(pc, "instruction budget exhausted");
  }

  private long callHelper(ExecutionContext ctx, long[] r, int w, int pc) {
    int op = w & 0xff;
    Helper h;
    if (op == CALL_KFUNC) {
      h = kfuncs[pc];
      if (h == null) {
        throw new TrapException(pc, "call to unresolved kfunc (BTF id " + imm[pc] + ")");
      }
    } else {
      long id = op == CALL_OP ? imm[pc] : r[(w >>> 8) & 15];
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

  private static void atomic(ExecutionContext ctx, long[] r, int w, int op, int size, int pc) {
    int d = (w >>> 8) & 15;
    int s = (w >>> 12) & 15;
    long old = MemoryAccess.atomic(ctx, r[d] + (w >> 16), size, op, r[s], r[0], pc);
    if (op == CMPXCHG) {
      r[0] = old;
    } else if ((op & FETCH) != 0) {
      r[s] = old;
    }
  }
}
