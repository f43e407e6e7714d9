package io.xdpemu.verifier;

/**
 * How to verify: privileged (root on Linux 6.18: {@code allow_ptr_leaks}, {@code
 * allow_uninit_stack}, {@code bypass_spec_v1/v4}, {@code bpf_capable}) or as a loader with only
 * CAP_BPF + CAP_NET_ADMIN (all four off, {@code bpf_capable} on); log level 0, 1 or 2; what the
 * loader resolved ({@link ProgramInfo}).
 */
public record VerifierOptions(
    boolean privileged, int logLevel, ProgramInfo program, int insnLimit) {
  public static final int COMPLEXITY_LIMIT_INSNS = 1_000_000;

  public VerifierOptions {
    if (logLevel < 0 || logLevel > 2) {
      throw new IllegalArgumentException("log level must be 0, 1 or 2: " + logLevel);
    }
    if (program == null) {
      program = ProgramInfo.NONE;
    }
  }

  public static VerifierOptions privileged(ProgramInfo program) {
    return new VerifierOptions(true, 1, program, COMPLEXITY_LIMIT_INSNS);
  }

  public static VerifierOptions unprivileged(ProgramInfo program) {
    return new VerifierOptions(false, 1, program, COMPLEXITY_LIMIT_INSNS);
  }

  public VerifierOptions withLogLevel(int level) {
    return new VerifierOptions(privileged, level, program, insnLimit);
  }

  public VerifierOptions withPrivileged(boolean p) {
    return new VerifierOptions(p, logLevel, program, insnLimit);
  }
}
