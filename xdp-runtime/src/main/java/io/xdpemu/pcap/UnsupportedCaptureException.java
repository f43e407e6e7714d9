package io.xdpemu.pcap;

import io.xdpemu.ebpf.MalformedInputException;

/**
 * A well-formed capture that xdpemu cannot replay (a link type without an Ethernet mapping, a
 * capture over 2 GiB). Exit code 2 like any bad input; the message starts with {@code "unsupported
 * capture "} and names the file and offset.
 */
public class UnsupportedCaptureException extends MalformedInputException {
  public UnsupportedCaptureException(String message) {
    super(message);
  }
}
