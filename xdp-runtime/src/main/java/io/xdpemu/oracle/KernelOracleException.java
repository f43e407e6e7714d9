package io.xdpemu.oracle;

import io.xdpemu.ebpf.XdpemuException;

/**
 * The kernel oracle itself failed: it could not be built, the kernel refused a test run's input
 * (errno), or the oracle process broke the protocol or died. Messages start with {@code "kernel
 * oracle: "}. Exit code 2, like other environment and input problems; a program the kernel rejects
 * is a {@link io.xdpemu.ebpf.ProgramRejectedException} instead.
 */
public class KernelOracleException extends XdpemuException {
  public KernelOracleException(String message) {
    super("kernel oracle: " + message, 2);
  }

  public KernelOracleException(String message, Throwable cause) {
    super("kernel oracle: " + message, 2, cause);
  }
}
