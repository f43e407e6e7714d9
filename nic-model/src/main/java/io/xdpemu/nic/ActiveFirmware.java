package io.xdpemu.nic;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.HeaderType;
import io.xdpemu.nic.firmware.Protocol;

/**
 * A firmware ready for the data path ({@link FirmwareCode}: compiled by default, or the reference
 * interpreter). Immutable and shared by all queues; the NIC swaps the whole object at once, so each
 * frame is handled entirely by one firmware.
 *
 * @param generation 1 for the firmware the NIC was created with, +1 per successful swap
 */
record ActiveFirmware(
    Firmware firmware, FirmwareCode code, Protocol[] protocolOf, long generation) {

  static ActiveFirmware compile(Firmware fw, FirmwareEngine engine, long generation) {
    FirmwareCode code = engine.code(fw);
    Protocol[] protocolOf = new Protocol[fw.headers().size()];
    for (HeaderType h : fw.headers()) {
      protocolOf[h.id()] = h.protocol();
    }
    return new ActiveFirmware(fw, code, protocolOf, generation);
  }

  int metadataSize() {
    return code.metadataSize();
  }
}
