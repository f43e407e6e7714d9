package io.xdpemu.nic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.KernelMemory;
import io.xdpemu.ebpf.vm.RxMetadataSource;
import io.xdpemu.ebpf.vm.XdpBuff;
import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.parse.ParseResult;
import io.xdpemu.nic.parse.ParseStatus;

/**
 * One RX queue: what a driver's NAPI poll does for one frame, in software.
 *
 * <pre>
 *  frame buffer (netty pooled heap buffer, frameSize bytes)
 *  hardStart            meta = data - metaSize   data                 end
 *     | xdp_frame | free  |  NIC metadata block   |   packet bytes      |  tailroom   |
 *     |<------------- headroom (256) ------------>|
 *
 *  descriptor ring (simulated kernel memory at ringAddress, bpf_probe_read_kernel can read it)
 *     | desc 0 | desc 1 | ... | desc i  <- metadata's rx_descriptor pointer | ... |
 * </pre>
 *
 * <p>The firmware is read once per frame, so a swap takes effect at a frame boundary. In kernel
 * mode no block is written and {@code data_meta == data}; in every mode the queue answers the XDP
 * metadata kfuncs ({@link RxMetadataSource}) for the frame it received last.
 */
public final class RxQueue implements RxMetadataSource {
  private final Nic nic;
  private final int index;
  private final ByteBuf[] frames;
  private final long ringAddress;
  private final RxFacts facts = new RxFacts();
  private int nextFrame;
  private long received;
  private long dropped;
  private final long[] statusCounts = new long[ParseStatus.values().length];

  private ActiveFirmware fw;
  private ParseResult result;
  private byte[] rssInput;
  private byte[] ring;
  private int ringSlots;
  private KernelMemory mappedIn;
  private byte[] mappedRing;
  private boolean vlanStripped;

  RxQueue(Nic nic, int index, ByteBufAllocator allocator) {
    this.nic = nic;
    this.index = index;
    NicConfig c = nic.config();
    frames = new ByteBuf[c.frames()];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = allocator.heapBuffer(c.frameSize(), c.frameSize());
      if (!frames[i].hasArray()) {
        throw new IllegalStateException("the frame pool must hand out heap buffers");
      }
    }
    ringAddress = c.ringBase() + ((long) index << 32);
  }

  public int index() {
    return index;
  }

  /** Kernel address of this queue's descriptor ring. */
  public long ringAddress() {
    return ringAddress;
  }

  public long received() {
    return received;
  }

  /** Frames dropped because they did not fit a frame buffer (no multi-buffer XDP here). */
  public long dropped() {
    return dropped;
  }

  /**
   * Frames received per parse outcome, indexed by {@link ParseStatus#ordinal()} (parse errors by
   * type, for statistics). Read it from the queue's thread or after the queue stopped.
   */
  public long[] parseStatusCounts() {
    return statusCounts.clone();
  }

  /** The parse result of the last frame received (valid until the next call). */
  public ParseResult lastResult() {
    return result;
  }

  /** The firmware that handled the last frame. */
  public Firmware lastFirmware() {
    return fw == null ? null : fw.firmware();
  }

  /** Generation of the firmware that handled the last frame (see {@link Nic#generation()}). */
  public long lastGeneration() {
    return fw == null ? 0 : fw.generation();
  }

  /**
   * Receives one frame: parse, classify, copy into a frame buffer (stripping the VLAN tag if the
   * firmware says so), write the descriptor and the metadata block, and point {@code ctx} at it
   * (xdp_buff, packet region, kfunc source). Returns false, touching nothing, when the frame is
   * larger than a buffer holds.
   */
  public boolean receive(byte[] pkt, int off, int len, long tsNs, ExecutionContext ctx) {
    NicConfig c = nic.config();
    if (len > c.maxPacket() || len < 0) {
      dropped++;
      return false;
    }
    ActiveFirmware now = nic.active();
    if (now != fw) {
      switchTo(now);
    }
    fw.parser().parse(pkt, off, len, result);
    fw.classifier().classify(pkt, off, result, rssInput);
    statusCounts[result.status.ordinal()]++;

    ByteBuf buf = frames[nextFrame];
    int slot = (int) (received % ringSlots);
    long bufferAddress = c.dmaBase() + ((long) index << 28) + (long) nextFrame * c.frameSize();
    nextFrame = nextFrame + 1 == frames.length ? 0 : nextFrame + 1;
    byte[] frame = buf.array();
    int hardStart = buf.arrayOffset();
    int data = hardStart + c.headroom();
    int outLen = copyFrame(pkt, off, len, frame, data);

    facts.timestampNs = tsNs;
    facts.descriptorAddress = ringAddress + (long) slot * fw.descriptor().size();
    facts.bufferAddress = bufferAddress;
    facts.dataAddress = bufferAddress + c.headroom();
    facts.ringIndex = slot;
    facts.queue = index;
    facts.headroom = c.headroom();
    fw.descriptor().write(ring, slot * fw.descriptor().size(), result, facts, frame, data);
    int metaSize = fw.metadataSize();
    if (metaSize > 0) {
      fw.metadata().write(frame, data - metaSize, result, facts, frame, data);
    }
    if (ctx != null) {
      if (mappedIn != ctx.kernel || mappedRing != ring) {
        ctx.kernel.map(ringAddress, ring, 0, ring.length);
        mappedIn = ctx.kernel;
        mappedRing = ring;
      }
      XdpBuff x = ctx.xdp();
      // frameEnd stops short of the tailroom the kernel keeps for skb_shared_info
      // (xdp_data_hard_end).
      x.set(
          frame,
          hardStart,
          data - metaSize,
          data,
          data + outLen,
          hardStart + c.frameSize() - c.tailroom());
      x.ingressIfindex = c.ifindex();
      x.rxQueueIndex = index;
      x.egressIfindex = 0;
      ctx.syncPacket();
      ctx.rxMetadata = this;
      ctx.cpu = index;
    }
    received++;
    return true;
  }

  /** Copies the packet to {@code frame[data..]}, removing the outer VLAN tag when stripping. */
  private int copyFrame(byte[] pkt, int off, int len, byte[] frame, int data) {
    vlanStripped = false;
    int tag = result.vlanOffset;
    if (!fw.firmware().vlanStrip() || tag < 0) {
      System.arraycopy(pkt, off, frame, data, len);
      return len;
    }
    // The tag's 4 bytes go; the MAC addresses move up against the EtherType that followed it
    // (what rx-vlan-offload hardware does before DMA).
    System.arraycopy(pkt, off, frame, data, tag - 2);
    System.arraycopy(pkt, off + tag + 2, frame, data + tag - 2, len - tag - 2);
    removeTag(tag);
    vlanStripped = true;
    return len - 4;
  }

  /** Drops the stripped tag from the header stack and moves later offsets up by 4 bytes. */
  private void removeTag(int tagOffset) {
    ParseResult r = result;
    int w = 0;
    for (int i = 0; i < r.count; i++) {
      if (r.offset[i] == tagOffset && r.level[i] == 0 && w == i && isVlan(r.type[i])) {
        continue;
      }
      r.type[w] = r.type[i];
      r.offset[w] = r.offset[i] > tagOffset ? r.offset[i] - 4 : r.offset[i];
      r.length[w] = r.length[i];
      r.level[w] = r.level[i];
      w++;
    }
    r.count = w;
    r.packetLength -= 4;
    r.l3Offset = shift(r.l3Offset, tagOffset);
    r.l4Offset = shift(r.l4Offset, tagOffset);
    r.innerL3Offset = shift(r.innerL3Offset, tagOffset);
    r.innerL4Offset = shift(r.innerL4Offset, tagOffset);
    r.payloadOffset = shift(r.payloadOffset, tagOffset);
    if (r.errorOffset > tagOffset) {
      r.errorOffset -= 4;
    }
  }

  private boolean isVlan(int headerType) {
    return fw.firmware().headers().get(headerType).protocol()
        == io.xdpemu.nic.firmware.Protocol.VLAN;
  }

  private static int shift(int offset, int tagOffset) {
    return offset > tagOffset ? offset - 4 : offset;
  }

  /** Rebuilds the per-firmware scratch state (only when the firmware changed). */
  private void switchTo(ActiveFirmware next) {
    fw = next;
    result = next.parser().newResult();
    rssInput = new byte[Math.max(1, next.classifier().scratchBytes())];
    ringSlots = next.firmware().ringSize();
    ring = new byte[ringSlots * next.descriptor().size()];
  }

  /** Whether every frame buffer of this queue went back to the pool (after {@link Nic#close}). */
  public boolean released() {
    for (ByteBuf b : frames) {
      if (b.refCnt() > 0) {
        return false;
      }
    }
    return true;
  }

  void release() {
    for (ByteBuf b : frames) {
      if (b.refCnt() > 0) {
        b.release();
      }
    }
  }

  // ---- XDP metadata kfuncs (net/core/xdp.c bpf_xdp_metadata_rx_*) ------------------------------

  @Override
  public boolean rxTimestamp(long[] out) {
    if (fw == null) {
      return false;
    }
    out[0] = facts.timestampNs;
    return true;
  }

  @Override
  public boolean rxHash(long[] out) {
    if (fw == null || fw.firmware().rss() == null) {
      return false;
    }
    out[0] = result.rssHash & 0xffffffffL;
    out[1] = result.rssHashType;
    return true;
  }

  /** Like drivers with rx-vlan-offload: a tag is reported only when the NIC stripped it. */
  @Override
  public boolean rxVlanTag(long[] out) {
    if (!vlanStripped) {
      return false;
    }
    out[0] = result.vlanProto;
    out[1] = result.vlanTci;
    return true;
  }
}
