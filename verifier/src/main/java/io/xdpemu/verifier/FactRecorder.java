package io.xdpemu.verifier;

import io.xdpemu.ebpf.facts.MemoryFact;
import io.xdpemu.ebpf.facts.ProgramFacts;
import io.xdpemu.ebpf.isa.Decoder;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;
import java.util.OptionalLong;

/**
 * Collects {@link ProgramFacts} while the verifier walks the program: called with the state before
 * each instruction is checked, on every non-speculative path (a path pruned at an instruction is
 * equivalent to one already recorded there: states_equal() demands the same pointer type for every
 * live register). A fact is the join over all recordings at a pc: one disagreement and the pc has
 * no fact. Scalars are the exception: a pruned path may hold other values in the registers the
 * explored one did not rely on, so constants reachable from such a cut are dropped ({@link #seal}).
 * The facts are handed out only for an accepted program ({@link Verifier#verify}).
 */
final class FactRecorder implements ProgramFacts {
  /** Marks a pc whose paths disagree (or whose access is not provable). */
  private static final MemoryFact CONFLICT = new MemoryFact(MemoryFact.Kind.CONTEXT, -2);

  private final MemoryFact[] access;

  /** The map r1 holds at each helper call (CONFLICT_MAP where paths disagree), or null. */
  private final MapRef[] callMap;

  private final Insn[] insns;
  private final boolean[] visited;
  private final ProgramInfo info;

  /**
   * @param insns the program
   * @param visited the verifier's do_check() {@code seen} marks, final once it accepted
   * @param info what the loader resolved (which map each ld_imm64 loads)
   */
  FactRecorder(Insn[] insns, boolean[] visited, ProgramInfo info) {
    this.access = new MemoryFact[insns.length];
    this.callMap = new MapRef[insns.length];
    this.constState = new byte[2 * insns.length];
    this.insns = insns;
    this.visited = visited;
    this.info = info;
  }

  private static final MapRef CONFLICT_MAP = new MapRef(-1, null);

  /**
   * Constant scalars read by each instruction: two slots per pc ({@link #readRegister}); state 0 =
   * not recorded, 1 = constant, 2 = not one constant (a path without one counts even when it comes
   * first); the values are allocated when the first constant is seen.
   */
  private long[] constValue;

  private final byte[] constState;

  /**
   * Prune points where a path was cut although its scalars were not within the explored state's
   * ranges (an imprecise scalar of the explored state matched any value, as the kernel allows): a
   * constant recorded below them on the explored path may not hold on the cut one.
   */
  private final BitSet unsafePrunes = new BitSet();

  /** An unsafe prune that {@link #unsafePrunes} cannot bound (in a subprogram frame). */
  private boolean constantsUnsafeEverywhere;

  /**
   * Per pc, the registers whose recorded constants are dropped there (bit r): those whose value may
   * come from a path cut at an unsafe prune point; computed by {@link #seal}, null before.
   */
  private int[] dropped;

  /**
   * A path was cut at prune point {@code idx}: {@code withinRanges} tells whether every scalar the
   * path still reads lies within the explored state's ranges (then the explored continuation's
   * constants hold on it too); {@code frame} is the cut state's frame depth.
   */
  void pruned(int idx, boolean withinRanges, int frame) {
    if (withinRanges) {
      return;
    }
    if (frame > 0) {
      constantsUnsafeEverywhere = true;
    } else {
      unsafePrunes.set(idx);
    }
  }

  private static final int ALL_REGS = (1 << 11) - 1;

  /**
   * Ends recording (the program was accepted). Below an unsafe prune point, the cut path follows
   * the explored instructions (precision tracking made every branch the explored path relied on
   * precise) but its registers may hold other values: a forward pass marks, per pc, the registers
   * that may hold such a value (all of them at the prune point; a register is clean again once an
   * immediate is moved into it; loads, helper results and clobbered argument registers count as
   * marked; an ALU result is marked when an operand is). Their constants are dropped there. All
   * constants are dropped when such a prune was in a subprogram frame or the program has callbacks
   * (a helper may run them from anywhere).
   */
  void seal() {
    int n = insns.length;
    int[] marked = new int[n];
    boolean all = constantsUnsafeEverywhere || !unsafePrunes.isEmpty() && hasCallbacks();
    if (all) {
      Arrays.fill(marked, ALL_REGS);
    } else {
      ArrayDeque<Integer> work = new ArrayDeque<>();
      for (int pc = unsafePrunes.nextSetBit(0); pc >= 0; pc = unsafePrunes.nextSetBit(pc + 1)) {
        marked[pc] = ALL_REGS;
        work.add(pc);
      }
      while (!work.isEmpty()) {
        int pc = work.pop();
        Insn insn = insns[pc];
        int op = insn.opcode();
        int cls = insn.cls();
        int after = markedAfter(insn, marked[pc]);
        boolean jmp = cls == Opcodes.JMP || cls == Opcodes.JMP32;
        long t = jmp ? Decoder.jumpTarget(insn, pc) : Long.MIN_VALUE;
        if (op == Opcodes.EXIT_OP) {
          continue;
        }
        if (jmp && t != Long.MIN_VALUE) {
          // a jump, or a BPF-to-BPF call: the callee starts with the caller's registers
          flow(marked, work, (int) t, op == Opcodes.CALL_OP ? marked[pc] : after);
          if (op != Opcodes.CALL_OP && (op & 0xf0) == Opcodes.JA) {
            continue;
          }
        }
        flow(marked, work, op == Opcodes.LD_IMM64 ? pc + 2 : pc + 1, after);
      }
    }
    dropped = marked;
  }

  private static void flow(int[] marked, ArrayDeque<Integer> work, int pc, int regs) {
    if (pc < 0 || pc >= marked.length || (marked[pc] | regs) == marked[pc]) {
      return; // nothing new (a pc reached with nothing marked has nothing to drop)
    }
    marked[pc] |= regs;
    work.add(pc);
  }

  /** The marked registers after {@code insn}, given those before it. */
  private static int markedAfter(Insn insn, int before) {
    int op = insn.opcode();
    int d = 1 << insn.dst();
    int s = 1 << insn.src();
    boolean x = (op & Opcodes.X) != 0;
    switch (insn.cls()) {
      case Opcodes.ALU:
      case Opcodes.ALU64:
        if ((op & 0xf0) == Opcodes.MOV) {
          return x && (before & s) != 0 ? before | d : before & ~d;
        }
        return x && (before & s) != 0 && (op & 0xf0) != Opcodes.END ? before | d : before;
      case Opcodes.LDX:
        return before | d;
      case Opcodes.LD:
        return op == Opcodes.LD_IMM64 ? before & ~d : before | 0x3f; // LD_ABS/IND: r0..r5
      case Opcodes.STX:
        return (op & 0xe0) == Opcodes.ATOMIC ? before | s | 1 : before;
      case Opcodes.JMP:
      case Opcodes.JMP32:
        return (op & 0xf0) == Opcodes.CALL ? before | 0x3f : before; // r0..r5 after any call
      default:
        return before;
    }
  }

  private boolean hasCallbacks() {
    for (Insn insn : insns) {
      if (insn.opcode() == Opcodes.LD_IMM64 && insn.src() == Opcodes.PSEUDO_FUNC) {
        return true;
      }
    }
    return false;
  }

  /**
   * The registers {@code insn} reads as scalar data (slot 0, slot 1; -1 for none): an ALU's dst
   * (unless a plain mov) and X src, a conditional jump's dst and X src, a stored register, and r3
   * of bpf_tail_call.
   */
  static int readRegister(Insn insn, int slot) {
    int cls = insn.cls();
    int op = insn.opcode();
    boolean x = (op & Opcodes.X) != 0;
    switch (cls) {
      case Opcodes.ALU:
      case Opcodes.ALU64:
        if (slot == 0) {
          return (op & 0xf0) == Opcodes.MOV ? -1 : insn.dst();
        }
        return x && (op & 0xf0) != Opcodes.END && (op & 0xf0) != Opcodes.NEG ? insn.src() : -1;
      case Opcodes.JMP:
      case Opcodes.JMP32:
        int code = op & 0xf0;
        if (op == Opcodes.CALL_OP) {
          return slot == 0 && insn.src() == 0 && insn.imm() == TAIL_CALL ? 3 : -1;
        }
        if (code == Opcodes.JA || code == Opcodes.CALL || code == Opcodes.EXIT || code >= 0xe0) {
          return -1; // ja, callx, exit and the unused codes: no conditional jump
        }
        return slot == 0 ? insn.dst() : x ? insn.src() : -1;
      case Opcodes.STX:
        return slot == 0 && (op & 0xe0) == Opcodes.MEM ? insn.src() : -1;
      default:
        return -1;
    }
  }

  /** bpf_tail_call's helper id. */
  private static final int TAIL_CALL = 12;

  private void recordConstants(Insn insn, int idx, RegState[] regs) {
    for (int slot = 0; slot < 2; slot++) {
      int r = readRegister(insn, slot);
      if (r < 0 || r >= regs.length) {
        continue;
      }
      RegState s = regs[r];
      boolean known = s.type == RegType.SCALAR && s.varOff.isConst();
      if (known && constValue == null) {
        constValue = new long[2 * insns.length];
      }
      int k = 2 * idx + slot;
      byte old = constState[k];
      if (!known) {
        constState[k] = 2;
      } else if (old == 0) {
        constState[k] = 1;
        constValue[k] = s.varOff.value();
      } else if (old == 1 && constValue[k] != s.varOff.value()) {
        constState[k] = 2;
      }
    }
  }

  /** Records the facts of {@code insn} at {@code idx} in state {@code regs} (before the step). */
  void record(Insn insn, int idx, RegState[] regs) {
    if (insn.dst() >= regs.length || insn.src() >= regs.length) {
      return; // an encoding the step refuses ("R11 is invalid"): no fact, and no index
    }
    recordConstants(insn, idx, regs);
    if (insn.opcode() == Opcodes.CALL_OP && insn.src() == 0) {
      RegState r1 = regs[insn.imm() == TAIL_CALL ? 2 : 1]; // bpf_tail_call's prog array is r2
      MapRef m = r1.type == RegType.CONST_PTR_TO_MAP && !r1.maybeNull ? r1.map : null;
      MapRef old = callMap[idx];
      callMap[idx] = m == null || old != null && !old.equals(m) ? CONFLICT_MAP : m;
      return;
    }
    int cls = insn.cls();
    int mode = insn.opcode() & 0xe0;
    boolean readModifyWrite =
        cls == Opcodes.STX
            && mode == Opcodes.ATOMIC
            && insn.imm() != Opcodes.LOAD_ACQ
            && insn.imm() != Opcodes.STORE_REL;
    if (!readModifyWrite
        && (mode != Opcodes.MEM
            || !(cls == Opcodes.LDX || cls == Opcodes.ST || cls == Opcodes.STX))) {
      return;
    }
    RegState base = regs[cls == Opcodes.LDX ? insn.src() : insn.dst()];
    join(idx, fact(base, insn, cls == Opcodes.LDX));
  }

  private static MemoryFact fact(RegState base, Insn insn, boolean load) {
    if (base.maybeNull) {
      return CONFLICT;
    }
    switch (base.type) {
      case PTR_TO_PACKET:
      case PTR_TO_PACKET_META:
        return MemoryFact.PACKET;
      case PTR_TO_STACK:
        return MemoryFact.STACK;
      case PTR_TO_MAP_VALUE:
        return MemoryFact.MAP_VALUE;
      case PTR_TO_CTX:
        boolean constant = base.varOff.isConst() && base.varOff.value() == 0;
        int field = base.off + insn.off();
        return load && constant && Opcodes.sizeBytes(insn.opcode()) == 4
            ? MemoryFact.context(field)
            : CONFLICT;
      default:
        return CONFLICT;
    }
  }

  private void join(int idx, MemoryFact f) {
    MemoryFact old = access[idx];
    access[idx] = old == null || old.equals(f) ? f : CONFLICT;
  }

  @Override
  public MemoryFact access(int pc) {
    MemoryFact f = pc >= 0 && pc < access.length ? access[pc] : null;
    return f == CONFLICT ? null : f;
  }

  /**
   * The first ld_imm64 that loads exactly the map of the call at {@code pc} (by the loader's map
   * index and the same definition: an inner map of a map-in-map carries its outer map's index with
   * the inner definition, and is never bound).
   */
  @Override
  public int constantMap(int pc) {
    MapRef m = pc >= 0 && pc < callMap.length ? callMap[pc] : null;
    if (m == null || m == CONFLICT_MAP) {
      return -1;
    }
    for (int i = 0; i < insns.length; i++) {
      Insn insn = insns[i];
      if (insn.opcode() == Opcodes.LD_IMM64
          && (insn.src() == Opcodes.PSEUDO_MAP_FD || insn.src() == Opcodes.PSEUDO_MAP_IDX)) {
        ProgramInfo.LdImm64Target t = info.ldImm64(i);
        if (t != null && t.mapIndex() == m.index() && t.map() == m.def() && t.valueOffset() < 0) {
          return i;
        }
      }
    }
    return -1;
  }

  @Override
  public OptionalLong constant(int pc, int reg) {
    if (constValue == null || pc < 0 || pc >= insns.length || reg < 0) {
      return OptionalLong.empty();
    }
    if (dropped == null || (dropped[pc] & 1 << reg) != 0 || !visited[pc]) {
      return OptionalLong.empty(); // not sealed (never handed out so), or from a cut path
    }
    for (int slot = 0; slot < 2; slot++) {
      int k = 2 * pc + slot;
      if (readRegister(insns[pc], slot) == reg) {
        return constState[k] == 1 ? OptionalLong.of(constValue[k]) : OptionalLong.empty();
      }
    }
    return OptionalLong.empty();
  }

  @Override
  public boolean live(int pc) {
    return pc >= 0 && pc < visited.length && visited[pc];
  }

  @Override
  public String toString() {
    return "FactRecorder" + Arrays.toString(access);
  }
}
