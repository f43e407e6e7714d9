package io.xdpemu.nic;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.HeaderType;
import io.xdpemu.nic.firmware.Protocol;
import io.xdpemu.nic.parse.Classifier;
import io.xdpemu.nic.parse.PacketParser;

/**
 * A firmware compiled for the data path: parser tables, classifier, layout writers. Immutable and
 * shared by all queues; the NIC swaps the whole object at once, so each frame is handled entirely
 * by one firmware.
 *
 * @param generation 1 for the firmware the NIC was created with, +1 per successful swap
 */
record ActiveFirmware(
    Firmware firmware,
    PacketParser parser,
    Classifier classifier,
    LayoutWriter metadata,
    LayoutWriter descriptor,
    Protocol[] protocolOf,
    long generation) {

  static ActiveFirmware compile(Firmware fw, long generation) {
    Protocol[] protocolOf = new Protocol[fw.headers().size()];
    for (HeaderType h : fw.headers()) {
      protocolOf[h.id()] = h.protocol();
    }
    return new ActiveFirmware(
        fw,
        new PacketParser(fw),
        new Classifier(fw),
        fw.metadata() == null ? null : new LayoutWriter(fw.metadata()),
        new LayoutWriter(fw.descriptor()),
        protocolOf,
        generation);
  }

  int metadataSize() {
    return metadata == null ? 0 : metadata.size();
  }
}
