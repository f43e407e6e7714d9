package io.xdpemu.nic;

import io.xdpemu.nic.parse.ParseResult;

/**
 * A firmware ready for the data path: parse graph, classification (packet type, offsets, RSS,
 * checksums, flow mark), RSS queue choice and the two layout writers. Two implementations give
 * identical results: {@link InterpretedFirmware} walks tables (the reference) and {@link
 * CompiledFirmware} runs JVM code generated for the firmware (the default; {@code
 * -Dxdpemu.nic.engine=interpreter} selects the tables, see {@link FirmwareEngine}). Immutable and
 * shared by all queues.
 */
abstract class FirmwareCode {
  /** A parse result sized for this firmware's parser. */
  abstract ParseResult newResult();

  /** Bytes of RSS input scratch {@link #classify} needs. */
  abstract int scratchBytes();

  /**
   * The steer stage of {@code p[off, off+len)}: parse, then classify (packet type, offsets, RSS
   * hash, checksum verdicts, flow mark) into {@code r}, offsets relative to {@code off}. {@code
   * scratch} holds {@link #scratchBytes} bytes.
   */
  abstract void steer(byte[] p, int off, int len, ParseResult r, byte[] scratch);

  /** The RX queue for an RSS hash, before folding onto the NIC's queue count. */
  abstract int queueOf(int hash);

  abstract int metadataSize();

  abstract int descriptorSize();

  /** Writes the metadata block at {@code dst[base, base + metadataSize())} (prepend mode only). */
  abstract void writeMetadata(
      byte[] dst, int base, ParseResult r, RxFacts f, byte[] pkt, int pktOff);

  /** Writes the RX descriptor at {@code dst[base, base + descriptorSize())}. */
  abstract void writeDescriptor(
      byte[] dst, int base, ParseResult r, RxFacts f, byte[] pkt, int pktOff);

  /** "compiled" or "interpreter", for tests and diagnostics. */
  abstract String engine();
}
