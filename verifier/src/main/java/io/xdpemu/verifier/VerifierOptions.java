package io.xdpemu.verifier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How to verify: privileged (root on Linux 6.18: {@code allow_ptr_leaks}, {@code
 * allow_uninit_stack}, {@code bypass_spec_v1/v4}, {@code bpf_capable}) or as a loader with only
 * CAP_BPF + CAP_NET_ADMIN (all four off, {@code bpf_capable} on); log level 0, 1 or 2; what the
 * loader resolved ({@link ProgramInfo}); and {@code nrCpuIds}, the kernel's nr_cpu_ids.
 *
 * <p>{@code nrCpuIds} bounds bpf_get_smp_processor_id()'s result to [0, nrCpuIds - 1] as
 * do_refine_retval_range() does. The rule that keeps this sound at run time: xdpemu runs a program
 * with CPU id = RX queue index, so whoever runs a program verifies it with nrCpuIds = its number of
 * queues (LoadPipeline); {@code xdpemu verify} alone uses this host's possible CPUs, like the
 * kernel on this host.
 */
public record VerifierOptions(
    boolean privileged, int logLevel, ProgramInfo program, int insnLimit, int nrCpuIds) {
  public static final int COMPLEXITY_LIMIT_INSNS = 1_000_000;

  public VerifierOptions {
    if (logLevel < 0 || logLevel > 2) {
      throw new IllegalArgumentException("log level must be 0, 1 or 2: " + logLevel);
    }
    if (nrCpuIds < 1) {
      throw new IllegalArgumentException("nr_cpu_ids must be at least 1: " + nrCpuIds);
    }
    if (program == null) {
      program = ProgramInfo.NONE;
    }
  }

  /** With this host's possible CPUs as nr_cpu_ids. */
  public VerifierOptions(boolean privileged, int logLevel, ProgramInfo program, int insnLimit) {
    this(privileged, logLevel, program, insnLimit, hostPossibleCpus());
  }

  public static VerifierOptions privileged(ProgramInfo program) {
    return new VerifierOptions(true, 1, program, COMPLEXITY_LIMIT_INSNS);
  }

  public static VerifierOptions unprivileged(ProgramInfo program) {
    return new VerifierOptions(false, 1, program, COMPLEXITY_LIMIT_INSNS);
  }

  public VerifierOptions withLogLevel(int level) {
    return new VerifierOptions(privileged, level, program, insnLimit, nrCpuIds);
  }

  public VerifierOptions withPrivileged(boolean p) {
    return new VerifierOptions(p, logLevel, program, insnLimit, nrCpuIds);
  }

  /** The CPU ids bpf_get_smp_processor_id() may return: [0, n - 1]. */
  public VerifierOptions withNrCpuIds(int n) {
    return new VerifierOptions(privileged, logLevel, program, insnLimit, n);
  }

  private static final int HOST_CPUS = readPossibleCpus();

  /**
   * This host's nr_cpu_ids: the highest possible CPU + 1 (/sys/devices/system/cpu/possible, "0-1"
   * gives 2); the JVM's processor count when the file cannot be read.
   */
  public static int hostPossibleCpus() {
    return HOST_CPUS;
  }

  private static int readPossibleCpus() {
    try {
      String s = Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim();
      int n = 0;
      for (String part : s.split(",")) {
        String[] r = part.split("-");
        n = Math.max(n, Integer.parseInt(r[r.length - 1]) + 1);
      }
      return Math.max(n, 1);
    } catch (IOException | RuntimeException e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }
}
