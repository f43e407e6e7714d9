package io.xdpemu.nic;

import io.xdpemu.nic.firmware.Firmware;

/**
 * Runs before a firmware swap: the runtime relocates and verifies the attached program against the
 * candidate's BTF. Throwing (any {@link io.xdpemu.ebpf.XdpemuException}, typically a
 * ProgramRejectedException) refuses the swap; the old firmware keeps running.
 */
@FunctionalInterface
public interface FirmwareValidator {
  void validate(Firmware candidate);

  FirmwareValidator ACCEPT_ALL = fw -> {};
}
