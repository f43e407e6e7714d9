package io.xdpemu.ebpf;

/**
 * The one unchecked root of every error xdpemu reports on purpose. Subclasses name the phase
 * (malformed input, rejected program, runtime trap); the command line maps {@link #exitCode()} to
 * the process exit code and prints {@link #getMessage()} as the single line a user sees.
 */
public class XdpemuException extends RuntimeException {
  private final int exitCode;

  public XdpemuException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public XdpemuException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** 2 for bad input or usage, 1 for a rejected program (see the CLI contract). */
  public int exitCode() {
    return exitCode;
  }
}
