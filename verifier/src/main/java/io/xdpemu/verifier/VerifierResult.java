package io.xdpemu.verifier;

import io.xdpemu.ebpf.facts.ProgramFacts;

/**
 * The verdict and the evidence: the kernel-style log, the rejection message (last lines of the log
 * on rejection, empty when accepted), the statistics the kernel prints, and per-instruction facts
 * ({@code visited[pc]}: reached on some path; the runtime may use it to report dead code; {@code
 * readsUninitStack[pc]}: may read stack bytes no path wrote before - allowed for root, and the
 * kernel then reads whatever its stack held, so a run that executes such an instruction has an
 * undefined result where xdpemu reads zeros; {@code leaksAddress[pc]}: turns an address into data -
 * allowed for root, and a run's result then depends on where the kernel placed the packet, the
 * stack or a map, which xdpemu does not reproduce), and the {@link ProgramFacts} an engine may rely
 * on (joined over every verified path; {@link ProgramFacts#NONE} for a rejected program).
 */
public record VerifierResult(
    boolean accepted,
    String log,
    String errorMessage,
    int insnProcessed,
    int maxStatesPerInsn,
    int totalStates,
    int peakStates,
    long verificationTimeNanos,
    String stackDepth,
    boolean[] visited,
    boolean[] readsUninitStack,
    boolean[] leaksAddress,
    ProgramFacts facts) {

  /** A result without facts (a rejected program, or facts not yet attached). */
  public VerifierResult(
      boolean accepted,
      String log,
      String errorMessage,
      int insnProcessed,
      int maxStatesPerInsn,
      int totalStates,
      int peakStates,
      long verificationTimeNanos,
      String stackDepth,
      boolean[] visited,
      boolean[] readsUninitStack,
      boolean[] leaksAddress) {
    this(
        accepted,
        log,
        errorMessage,
        insnProcessed,
        maxStatesPerInsn,
        totalStates,
        peakStates,
        verificationTimeNanos,
        stackDepth,
        visited,
        readsUninitStack,
        leaksAddress,
        ProgramFacts.NONE);
  }

  /** This result with the facts the verifier proved (for the JIT; only for accepted programs). */
  public VerifierResult withFacts(ProgramFacts proven) {
    return new VerifierResult(
        accepted,
        log,
        errorMessage,
        insnProcessed,
        maxStatesPerInsn,
        totalStates,
        peakStates,
        verificationTimeNanos,
        stackDepth,
        visited,
        readsUninitStack,
        leaksAddress,
        proven);
  }

  /** The kernel's last line for an accepted program. */
  public String statsLine() {
    return "processed "
        + insnProcessed
        + " insns (limit 1000000) max_states_per_insn "
        + maxStatesPerInsn
        + " total_states "
        + totalStates
        + " peak_states "
        + peakStates
        + " mark_read 0";
  }
}
