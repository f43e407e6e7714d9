package io.xdpemu.ebpf;

/** Bad command-line usage or a missing/unreadable file. Exit code 2. */
public class UsageException extends XdpemuException {
  public UsageException(String message) {
    super(message, 2);
  }
}
