package io.xdpemu.ebpf.facts;

/**
 * Per-instruction facts the verifier proved for every verified path that reaches the instruction
 * (the join over those paths: where two paths disagree, there is no fact). An engine may rely on a
 * fact to skip a run-time check; if a fact turns out false at run time, that is a verifier bug, and
 * the engine reports it as one, never as a normal trap.
 *
 * <p>Programs that were not verified ({@code --no-verify}) have {@link #NONE}: every check stays.
 */
public interface ProgramFacts {
  /**
   * The memory the plain load or store ({@code LDX|MEM}, {@code ST|MEM}, {@code STX|MEM}) or the
   * read-modify-write atomic ({@code STX|ATOMIC} other than load-acquire/store-release) at {@code
   * pc} touches, in bounds (and, for atomics, aligned), on every verified path; null when nothing
   * is proven.
   */
  MemoryFact access(int pc);

  /**
   * For a helper call at {@code pc}: the pc of an {@code ld_imm64} that loads the map r1 holds (r2,
   * the prog array, for {@code bpf_tail_call}), the same map on every verified path (the kernel's
   * constant {@code map_ptr}); -1 when it is not proven to be one map. An engine may bind that map
   * at the call: static dispatch to the map's own code, no handle to resolve.
   */
  default int constantMap(int pc) {
    return -1;
  }

  /**
   * The value register {@code reg} holds when instruction {@code pc} reads it, where the verifier
   * proved it one known constant scalar on every path that reaches {@code pc} (the kernel's {@code
   * tnum_is_const}), including the paths it pruned there or earlier; empty otherwise. Recorded for
   * the registers an instruction reads as data: an ALU or conditional jump's dst and src, a stored
   * register, and r3 (the index) of {@code bpf_tail_call}. An engine may use the value in place of
   * the register: fold it into the operation, decide the jump at compile time.
   */
  default java.util.OptionalLong constant(int pc, int reg) {
    return java.util.OptionalLong.empty();
  }

  /**
   * Whether some verified path reaches {@code pc} (do_check()'s {@code seen}). The kernel never
   * runs the others: it removes them for root ({@code opt_remove_dead_code}) and turns them into
   * {@code ja -1} otherwise ({@code sanitize_dead_code}), so dead code may hold encodings the
   * engines refuse; a conditional jump whose target (or fall-through) is dead is a dead branch.
   */
  default boolean live(int pc) {
    return true;
  }

  /**
   * Whether the program was verified: then every loop is bounded and a run ends within the
   * verifier's proof, so an engine need not meter instructions (the runtime's budget for verified
   * programs is unlimited anyway).
   */
  default boolean verified() {
    return true;
  }

  /** No facts: an unverified program. */
  ProgramFacts NONE =
      new ProgramFacts() {
        @Override
        public MemoryFact access(int pc) {
          return null;
        }

        @Override
        public boolean verified() {
          return false;
        }
      };
}
