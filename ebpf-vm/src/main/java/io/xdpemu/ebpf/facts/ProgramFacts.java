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
   * The memory the plain load or store ({@code LDX|MEM}, {@code ST|MEM}, {@code STX|MEM}) at {@code
   * pc} touches, in bounds, on every verified path; null when nothing is proven.
   */
  MemoryFact access(int pc);

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
