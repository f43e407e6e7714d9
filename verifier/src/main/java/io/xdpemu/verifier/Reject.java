package io.xdpemu.verifier;

/** Internal: thrown to stop verification; the message has already been written to the log. */
final class Reject extends RuntimeException {
  private static final long serialVersionUID = 1L;

  Reject(String message) {
    super(message, null, false, false);
  }
}
