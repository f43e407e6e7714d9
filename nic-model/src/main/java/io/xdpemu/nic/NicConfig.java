package io.xdpemu.nic;

import io.xdpemu.ebpf.vm.RxContext;
import io.xdpemu.ebpf.vm.XdpBuff;

/**
 * Per-NIC hardware parameters (not part of the firmware).
 *
 * @param headroom bytes before the packet in each frame; XDP_PACKET_HEADROOM (256) by default, 192
 *     on Intel 2K-buffer drivers (i40e_compute_pad()), 258 with NET_IP_ALIGN
 * @param tailroom bytes after the largest packet (room for skb_shared_info, ~320 on x86-64)
 * @param frameSize bytes per frame buffer (a page: 4096)
 * @param queues RX queue count; 0 = the firmware's RSS queue count (1 without RSS)
 * @param frames simulated frame buffers per queue: the buffer (DMA) addresses the descriptor and
 *     the metadata report cycle over this many; the bytes live in at most two physical buffers per
 *     queue (see RxQueue), so a frame handed to the program stays valid until the queue receives
 *     the second frame after it
 * @param ifindex the interface index programs see as ingress_ifindex
 * @param ringBase kernel address of queue 0's descriptor ring; queue i's ring is at ringBase + i *
 *     2^32
 * @param dmaBase simulated DMA address of the first frame buffer (BUFFER_ADDRESS source)
 */
public record NicConfig(
    int headroom,
    int tailroom,
    int frameSize,
    int queues,
    int frames,
    int ifindex,
    long ringBase,
    long dmaBase) {
  public static final int XDP_PACKET_HEADROOM = XdpBuff.XDP_PACKET_HEADROOM;

  public NicConfig {
    if (headroom < io.xdpemu.ebpf.vm.XdpBuff.XDP_FRAME_SIZE || headroom > frameSize / 2) {
      throw new io.xdpemu.ebpf.UsageException(
          "NIC headroom "
              + headroom
              + " out of range: at"
              + " least "
              + io.xdpemu.ebpf.vm.XdpBuff.XDP_FRAME_SIZE
              + " (struct xdp_frame), at most half"
              + " the "
              + frameSize
              + "-byte frame");
    }
    if (tailroom < 0 || frameSize - headroom - tailroom < 64) {
      throw new io.xdpemu.ebpf.UsageException(
          "NIC frame size "
              + frameSize
              + " with headroom "
              + headroom
              + " and tailroom "
              + tailroom
              + " leaves less than 64 bytes for a packet");
    }
    if (queues < 0 || frames < 1) {
      throw new io.xdpemu.ebpf.UsageException(
          "NIC queues must be >= 0 (0 = the firmware's) and" + " frames per queue >= 1");
    }
  }

  public static NicConfig defaults() {
    return new NicConfig(
        XdpBuff.XDP_PACKET_HEADROOM,
        XdpBuff.SKB_SHARED_INFO_SIZE,
        XdpBuff.PAGE_SIZE,
        0,
        256,
        2,
        RxContext.DIRECT_MAP_BASE + 0x4000_0000L,
        0x1_0000_0000L);
  }

  public NicConfig withHeadroom(int h) {
    return new NicConfig(h, tailroom, frameSize, queues, frames, ifindex, ringBase, dmaBase);
  }

  public NicConfig withTailroom(int t) {
    return new NicConfig(headroom, t, frameSize, queues, frames, ifindex, ringBase, dmaBase);
  }

  public NicConfig withQueues(int q) {
    return new NicConfig(headroom, tailroom, frameSize, q, frames, ifindex, ringBase, dmaBase);
  }

  public NicConfig withFrames(int n) {
    return new NicConfig(headroom, tailroom, frameSize, queues, n, ifindex, ringBase, dmaBase);
  }

  public NicConfig withIfindex(int i) {
    return new NicConfig(headroom, tailroom, frameSize, queues, frames, i, ringBase, dmaBase);
  }

  /** The largest packet a frame holds. */
  public int maxPacket() {
    return frameSize - headroom - tailroom;
  }
}
