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

  FactRecorder(int length) {
    this.access = new MemoryFact[length];
  }

  /** Records the facts of {@code insn} at {@code idx} in state {@code regs} (before the step). */
  void record(Insn insn, int idx, RegState[] regs) {
    int cls = insn.cls();
    int mode = insn.opcode() & 0xe0;
    if (mode != Opcodes.MEM || !(cls == Opcodes.LDX || cls == Opcodes.ST || cls == Opcodes.STX)) {
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

  @Override
  public String toString() {
    return "FactRecorder" + Arrays.toString(access);
  }
}
