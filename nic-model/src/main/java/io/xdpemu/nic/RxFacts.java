package io.xdpemu.nic;

/**
 * Per-frame facts of the RX path that are not parser outputs (time, addresses, ring slot). One per
 * queue, overwritten for every frame.
 */
final class RxFacts {
  long timestampNs;
  long descriptorAddress;
  long bufferAddress;
  long dataAddress;
  int ringIndex;
  int queue;
  int headroom;
}
