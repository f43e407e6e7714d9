package io.xdpemu.ebpf.vm;

import io.xdpemu.ebpf.InternalErrorException;
import io.xdpemu.ebpf.facts.ProgramFacts;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;

/**
 * Dead code as the kernel treats it: instructions no verified path reaches are never run, so the
 * kernel loads programs whose dead code holds encodings it would refuse on a live path (reserved
 * fields are checked by do_check() only where it goes). It removes them for root ({@code
 * opt_remove_dead_code}) and writes {@code ja -1} over them otherwise ({@code sanitize_dead_code});
 * the engines do the latter before decoding, then compile or pre-decode each dead slot to a {@link
 * Reached} error. Unverified programs ({@link ProgramFacts#NONE}) keep every slot, and every check.
 */
public final class DeadCode {
  private DeadCode() {}

  /** {@code ja -1}: the kernel's trapping filler for dead code. */
  public static final Insn FILLER = new Insn(Opcodes.JMP | Opcodes.JA, 0, 0, -1, 0);

  /** {@code insns} with every slot the verifier never reached replaced by {@link #FILLER}. */
  public static Insn[] sanitize(Insn[] insns, ProgramFacts facts) {
    if (!facts.verified()) {
      return insns;
    }
    Insn[] out = insns;
    for (int pc = 0; pc < insns.length; pc++) {
      if (!facts.live(pc) && !secondSlotOfLiveLdImm64(insns, facts, pc)) {
        if (out == insns) {
          out = insns.clone();
        }
        out[pc] = FILLER;
      }
    }
    return out;
  }

  /** The verifier marks only the first slot of an ld_imm64 as reached. */
  private static boolean secondSlotOfLiveLdImm64(Insn[] insns, ProgramFacts facts, int pc) {
    return pc > 0 && facts.live(pc - 1) && insns[pc - 1].opcode() == Opcodes.LD_IMM64;
  }

  /** Whether an engine should compile {@code pc} as dead (never reached on a verified path). */
  public static boolean isDead(Insn[] sanitized, ProgramFacts facts, int pc) {
    return facts.verified() && !facts.live(pc) && sanitized[pc] == FILLER;
  }

  /**
   * A dead instruction ran: the verifier's proof was wrong (a verifier bug), reported as an
   * internal error, never as a trap a program could cause.
   */
  public static final class Reached extends InternalErrorException {
    private static final long serialVersionUID = 1L;

    public Reached(int pc) {
      super(
          "verifier bug: instruction " + pc + " ran, but no verified path reaches it (dead code)",
          new IllegalStateException("dead code executed at pc " + pc));
    }
  }
}
