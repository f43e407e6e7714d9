package io.xdpemu.nic;

import io.xdpemu.ebpf.vm.LinePadded;

/**
 * The facts of the RX path that are not parser outputs (time, addresses, ring slot), as the layout
 * writers read them. One per queue: the queue's constants are set once (per firmware for the
 * descriptor size), and per frame only the time, the ring slot and the simulated buffer; the
 * addresses are derived from those by whichever writer needs them ({@link #descriptorAddress()} and
 * the generated code compute the same), so a frame whose layouts report no address costs no address
 * arithmetic and no stores of it.
 */
final class RxFacts extends LinePadded {
  // Per frame.
  long timestampNs;
  int ringIndex;

  /** The simulated frame buffer (of {@code config.frames()}) the frame is in. */
  int bufferIndex;

  // Per queue (descSize per firmware).
  long ringAddress;
  int descSize;
  long dmaBase;
  int frameSize;
  int queue;
  int headroom;

  /** Kernel address of the frame's RX descriptor: ring start + slot * descriptor size. */
  long descriptorAddress() {
    return ringAddress + (long) ringIndex * descSize;
  }

  /** Simulated DMA address of the frame's buffer. */
  long bufferAddress() {
    return dmaBase + (long) bufferIndex * frameSize;
  }

  /** Simulated DMA address of the frame's first byte: the buffer's plus the headroom. */
  long dataAddress() {
    return bufferAddress() + headroom;
  }
}
