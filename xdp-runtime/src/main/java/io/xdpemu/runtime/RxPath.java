package io.xdpemu.runtime;

import io.xdpemu.ebpf.vm.ExecutionContext;

/**
 * The NIC as the replay drives it. {@link #steer} runs on the reader thread, in input order (the
 * NIC's parser and RSS: which RX queue gets the frame); {@link #deliver} runs on that queue's
 * thread and sets up the frame in the queue's execution context the way the driver builds the
 * xdp_buff (headroom, metadata written by the firmware before {@code data}, RX descriptor in
 * simulated kernel memory, kfunc answers).
 */
public interface RxPath {
  /** Number of RX queues. */
  int queues();

  /** The ifindex programs see as {@code ingress_ifindex}. */
  int ifindex();

  /** The queue for this frame. */
  int steer(byte[] frame, int length);

  /**
   * Places the frame in {@code ctx.xdp()} for queue {@code queue}; called on the queue's thread.
   * Returns false when the NIC drops the frame before XDP (too large for a frame buffer).
   */
  boolean deliver(int queue, byte[] frame, int length, long timestampNs, ExecutionContext ctx);

  /**
   * The packet type the parser gave the last frame {@link #deliver}ed on {@code queue}; -1 for a
   * NIC without firmware. Called on the queue's thread right after {@code deliver}.
   */
  default long lastPtype(int queue) {
    return -1;
  }

  /** The firmware that received the last frame on {@code queue}, or null without firmware. */
  default io.xdpemu.nic.firmware.Firmware lastFirmware(int queue) {
    return null;
  }

  /** A short description for the summary ("mynic v2 (fw.json)"). */
  String describe();
}
