package io.xdpemu.ebpf;

/**
 * A well-formed program that cannot be loaded: CO-RE failure, verifier rejection, unknown helper,
 * bad relocation. Exit code 1 (the CLI contract's "program was rejected").
 */
public class ProgramRejectedException extends XdpemuException {
  public ProgramRejectedException(String message) {
    super(message, 1);
  }

  public ProgramRejectedException(String message, Throwable cause) {
    super(message, 1, cause);
  }
}
