package io.xdpemu.verifier;

import io.xdpemu.ebpf.facts.MemoryFact;
import io.xdpemu.ebpf.facts.ProgramFacts;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import java.util.Arrays;

/**
 * Collects {@link ProgramFacts} while the verifier walks the program: called with the state before
 * each instruction is checked, on every non-speculative path (a path pruned at an instruction is
 * equivalent to one already recorded there: states_equal() demands the same pointer type for every
 * live register). A fact is the join over all recordings at a pc: one disagreement and the pc has
 * no fact. The facts are handed out only for an accepted program ({@link Verifier#verify}).
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
    this.insns = insns;
    this.visited = visited;
    this.info = info;
  }

  private static final MapRef CONFLICT_MAP = new MapRef(-1, null);

  /** Records the facts of {@code insn} at {@code idx} in state {@code regs} (before the step). */
  void record(Insn insn, int idx, RegState[] regs) {
    if (insn.dst() >= regs.length || insn.src() >= regs.length) {
      return; // an encoding the step refuses ("R11 is invalid"): no fact, and no index
    }
    if (insn.opcode() == Opcodes.CALL_OP && insn.src() == 0) {
      RegState r1 = regs[1];
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
  public boolean live(int pc) {
    return pc >= 0 && pc < visited.length && visited[pc];
  }

  @Override
  public String toString() {
    return "FactRecorder" + Arrays.toString(access);
  }
}
