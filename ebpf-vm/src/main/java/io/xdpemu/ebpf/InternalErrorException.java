package io.xdpemu.ebpf;

/**
 * A bug of ours caught on its way out of a component that must not disguise it (the verifier, the
 * interpreter, the JIT): never a rejection, a trap or an XDP_ABORTED packet. It carries where it
 * happened and the original exception as its cause; the CLI prints {@code xdpemu: internal error:
 * ... (please report)} and exits 3 (the stack trace under {@code --debug}).
 */
public class InternalErrorException extends XdpemuException {
  /** Exit code for a bug of ours (see the CLI contract). */
  public static final int EXIT_CODE = 3;

  /**
   * @param where what was running, e.g. {@code "interpreter at pc 12 of xdp_prog"}
   * @param cause the unexpected exception
   */
  public InternalErrorException(String where, Throwable cause) {
    super(message(where + ": " + cause), EXIT_CODE, cause);
  }

  /** The one line shown for an unexpected exception or error anywhere. */
  public static String message(String what) {
    return "internal error: " + what + " (please report)";
  }
}
