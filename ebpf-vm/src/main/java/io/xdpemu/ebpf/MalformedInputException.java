package io.xdpemu.ebpf;

/**
 * Input that cannot be parsed: ELF, BTF, .BTF.ext, pcap, firmware, JSON, instruction encodings. The
 * message always names where (file, byte offset, instruction index or line) and what is wrong, and
 * starts with {@code "malformed "} so tests can match on it. Exit code 2.
 */
public class MalformedInputException extends XdpemuException {
  public MalformedInputException(String message) {
    super(message, 2);
  }

  public MalformedInputException(String message, Throwable cause) {
    super(message, 2, cause);
  }
}
