package io.xdpemu.nic;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.parse.Classifier;
import io.xdpemu.nic.parse.PacketParser;
import io.xdpemu.nic.parse.ParseResult;

/**
 * The reference implementation of a firmware: table walkers ({@link PacketParser}, {@link
 * Classifier}, {@link LayoutWriter}). The compiled firmware is tested equal to it frame by frame.
 */
final class InterpretedFirmware extends FirmwareCode {
  private final PacketParser parser;
  private final Classifier classifier;
  private final LayoutWriter metadata;
  private final LayoutWriter descriptor;

  InterpretedFirmware(Firmware fw) {
    parser = new PacketParser(fw);
    classifier = new Classifier(fw);
    metadata = fw.metadata() == null ? null : new LayoutWriter(fw.metadata());
    descriptor = new LayoutWriter(fw.descriptor());
  }

  @Override
  ParseResult newResult() {
    return parser.newResult();
  }

  @Override
  int scratchBytes() {
    return classifier.scratchBytes();
  }

  @Override
  void steer(byte[] p, int off, int len, ParseResult r, byte[] scratch) {
    parser.parse(p, off, len, r);
    classifier.classify(p, off, r, scratch);
  }

  @Override
  int queueOf(int hash) {
    return classifier.queueOf(hash);
  }

  @Override
  int metadataSize() {
    return metadata == null ? 0 : metadata.size();
  }

  @Override
  int descriptorSize() {
    return descriptor.size();
  }

  @Override
  void writeMetadata(byte[] dst, int base, ParseResult r, RxFacts f, byte[] pkt, int pktOff) {
    metadata.write(dst, base, r, f, pkt, pktOff);
  }

  @Override
  void writeDescriptor(byte[] dst, int base, ParseResult r, RxFacts f, byte[] pkt, int pktOff) {
    descriptor.write(dst, base, r, f, pkt, pktOff);
  }

  @Override
  String engine() {
    return "interpreter";
  }
}
