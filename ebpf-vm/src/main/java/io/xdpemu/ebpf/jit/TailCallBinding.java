package io.xdpemu.ebpf.jit;

import io.xdpemu.ebpf.facts.ProgramFacts;
import io.xdpemu.ebpf.helpers.HelperIds;
import io.xdpemu.ebpf.helpers.TailCalls;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import io.xdpemu.ebpf.maps.ProgArrayMap;
import io.xdpemu.ebpf.vm.DeadCode;
import io.xdpemu.ebpf.vm.Program;

/**
 * Static binding of {@code bpf_tail_call}: where the verifier proved which prog array r2 holds
 * ({@link ProgramFacts#constantMap}) and which index r3 holds ({@link ProgramFacts#constant}), and
 * the program's registry holds the standard helper, the JIT reads that slot itself ({@link
 * TailCalls#target}: the helper's own rule, counter included) and calls the target's code from the
 * call site: no helper table, no handle, no pending-target round trip. The slot is still read at
 * every call, since the host may change it between runs (the kernel patches its direct jumps then).
 */
final class TailCallBinding {
  private TailCallBinding() {}

  /** The bound call slots, filling {@code maps} with the prog array of each. */
  static boolean[] bind(Program program, Insn[] insns, ProgramFacts facts, Object[] maps) {
    boolean[] out = new boolean[insns.length];
    if (!facts.verified()) {
      return out; // --no-verify: every call goes through the helper
    }
    for (int pc = 0; pc < insns.length; pc++) {
      Insn insn = insns[pc];
      if (insn.opcode() != Opcodes.CALL_OP
          || insn.src() != 0
          || insn.imm() != HelperIds.TAIL_CALL
          || DeadCode.isDead(insns, facts, pc)
          || !(program.helpers().helper(insn.imm()) instanceof TailCalls.Standard)
          || facts.constant(pc, 3).isEmpty()) {
        continue;
      }
      int ld = facts.constantMap(pc);
      Object m = ld < 0 ? null : program.linkage().map(ld);
      if (m instanceof ProgArrayMap) {
        out[pc] = true;
        maps[pc] = m;
      }
    }
    return out;
  }
}
