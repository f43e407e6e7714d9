package io.xdpemu.nic;

import io.xdpemu.ebpf.vm.LinePadded;

/**
 * Per-frame facts of the RX path that are not parser outputs (time, addresses, ring slot). One per
 * queue, overwritten for every frame.
 */
final class RxFacts extends LinePadded {
  long timestampNs;
  long descriptorAddress;
  long bufferAddress;
  long dataAddress;
  int ringIndex;
  int queue;
  int headroom;
}
