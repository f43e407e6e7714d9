package io.xdpemu.nic;

import io.xdpemu.ebpf.vm.LinePadded;
import io.xdpemu.nic.parse.ParseResult;

/**
 * Everything the NIC learns about one frame in its steer stage, carried with the frame to its RX
 * queue: the parse result (header offsets, packet type, RSS hash, checksum verdicts, flow mark,
 * VLAN tag), the queue RSS picked, and the VLAN tag the queue removes while copying. The queue
 * stage writes the descriptor and the metadata from it without reading the headers again.
 *
 * <p>One per frame in flight (the replay keeps one in each packet slot), reused for every frame it
 * carries: it allocates only when a firmware swap changes the result's size.
 */
public final class RxParse extends LinePadded {
  ActiveFirmware fw;
  ParseResult result;
  byte[] rssInput;
  int queue;

  /** Frame offset of the VLAN tag the queue strips while copying, -1 for none. */
  int stripOffset = -1;

  /** False until {@link Nic#steer(byte[], int, int, RxParse)} filled it for the current frame. */
  boolean steered;

  /** The RX queue RSS picked. */
  public int queue() {
    return queue;
  }

  /** The parse result (offsets already as the program sees the frame, after VLAN stripping). */
  public ParseResult result() {
    return result;
  }

  /** Sizes the scratch state for {@code f} (allocates only when the firmware changed). */
  void prepare(ActiveFirmware f) {
    if (fw != f) {
      fw = f;
      result = f.code().newResult();
      rssInput = new byte[Math.max(1, f.code().scratchBytes())];
    }
  }
}
