package io.xdpemu.nic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.xdpemu.ebpf.vm.HeadroomRecord;
import io.xdpemu.ebpf.vm.LinePadded;
import io.xdpemu.ebpf.vm.RxContext;
import io.xdpemu.ebpf.vm.RxMetadataSource;
import io.xdpemu.ebpf.vm.XdpBuff;
import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.parse.ParseResult;
import io.xdpemu.nic.parse.ParseStatus;

/**
 * One RX queue: what a driver's NAPI poll does for one frame, in software.
 *
 * <pre>
 *  frame buffer (frameSize bytes of the queue's netty pooled heap buffer)
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
public final class RxQueue extends HeadroomRecord implements RxMetadataSource {
  private final Nic nic;
  private final int index;

  /**
   * The physical frame buffers: {@link #BUFFERS} at most, reused in turn, whatever {@link
   * NicConfig#frames()} says, back to back in one pooled heap buffer (one array and one start for
   * all of them, so a frame's place is a multiplication, not two array lookups). The simulated
   * buffer (DMA) addresses the descriptor and the metadata report still cycle over {@code
   * config.frames()} buffers ({@link #nextFrame}); only the bytes live in fewer arrays, so they
   * stay in the CPU cache. This is invisible to programs and outputs: a frame is used until the
   * queue's next receive at most (the runtime copies out what an output needs right after the run),
   * a buffer's packet bytes are overwritten and its metadata block written whole, its headroom
   * cleared as far as a program may have written it ({@link #clearHeadroom}), and
   * bpf_xdp_adjust_tail zeroes what it grows.
   */
  private final ByteBuf pool;

  /**
   * Physical buffers per queue: two, so the frame handed to the program is not the one the next
   * receive writes (a caller may read the last frame while handing the next one to the queue).
   */
  static final int BUFFERS = 2;

  /** Simulated frame buffers (addresses): {@code config.frames()}. */
  private final int addressSlots;

  /** The backing array of every frame buffer, and where the first one starts in it. */
  private final byte[] frameArray;

  private final int frameStart;
  private final long ringAddress;
  private final RxFacts facts = new RxFacts();

  /** The simulated buffer (address index) of the next frame: cycles over {@link #addressSlots}. */
  private int nextFrame;

  private long dropped;

  /**
   * Frames received per parse outcome other than {@link ParseStatus#OK} (by ordinal; OK's slot
   * unused): the frames parsed OK are the rest of {@link #received()}, so the common frame costs a
   * compare here, not a count.
   */
  private final long[] statusCounts = LinePadded.longs(ParseStatus.values().length);

  private ActiveFirmware fw;
  private final RxParse own = new RxParse();
  private RxParse last;

  /** The context this queue's current ring was last mapped into (null after a new ring). */
  private RxContext mappedIn;

  private byte[] ring;
  private int ringSlots;

  /** The ring slot of the next frame: {@code received % ringSlots}, kept without a division. */
  private int nextSlot;

  private boolean vlanStripped;

  // The configuration's per-frame numbers, read once (the config is immutable).
  private final int maxPacket;
  private final int headroom;

  /** A frame's end for programs (xdp_data_hard_end): frame size less the tailroom. */
  private final int hardEnd;

  private final long queueDmaBase;
  private final int frameSize;
  private final int ifindex;

  /** Who answers the XDP RX-metadata kfuncs for this queue's frames. */
  private final RxMetadataSource kfuncs;

  // The current firmware's code and sizes (set by switchTo).
  private FirmwareCode code;
  private int metaSize;
  private int descSize;

  RxQueue(Nic nic, int index, ByteBufAllocator allocator) {
    super(Math.min(nic.config().frames(), BUFFERS)); // this queue keeps its own headroom record
    this.nic = nic;
    this.index = index;
    NicConfig c = nic.config();
    maxPacket = c.maxPacket();
    headroom = c.headroom();
    hardEnd = c.frameSize() - c.tailroom();
    queueDmaBase = c.dmaBase() + ((long) index << 28);
    frameSize = c.frameSize();
    ifindex = c.ifindex();
    kfuncs = nic.answersKfuncs() ? this : RxMetadataSource.NONE;
    facts.queue = index;
    facts.headroom = headroom;
    facts.dmaBase = queueDmaBase;
    facts.frameSize = frameSize;
    addressSlots = c.frames();
    int buffers = mask + 1;
    int bytes = Math.multiplyExact(buffers, c.frameSize());
    pool = allocator.heapBuffer(bytes, bytes);
    if (!pool.hasArray()) {
      throw new IllegalStateException("the frame pool must hand out heap buffers");
    }
    frameArray = pool.array();
    frameStart = pool.arrayOffset();
    ringAddress = c.ringBase() + ((long) index << 32);
    facts.ringAddress = ringAddress;
    for (int k = 0; k < buffers; k++) {
      dirtyFrom(k, frameStart + k * frameSize); // never cleared: all of it
    }
  }

  public int index() {
    return index;
  }

  /** Kernel address of this queue's descriptor ring. */
  public long ringAddress() {
    return ringAddress;
  }

  public long received() {
    return delivered;
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
    long[] c =
        java.util.Arrays.copyOfRange(
            statusCounts,
            LinePadded.LONG_SLACK,
            LinePadded.LONG_SLACK + ParseStatus.values().length);
    long ok = delivered;
    for (int s = 0; s < c.length; s++) {
      ok -= c[s];
    }
    c[ParseStatus.OK.ordinal()] = ok;
    return c;
  }

  /** The parse result of the last frame received (valid until the next call). */
  public ParseResult lastResult() {
    return last == null ? null : last.result;
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
  public boolean receive(byte[] pkt, int off, int len, long tsNs, RxContext ctx) {
    own.steered = false;
    return receive(pkt, off, len, tsNs, own, ctx);
  }

  /**
   * Receives one frame that {@link Nic#steer(byte[], int, int, RxParse)} has classified into {@code
   * p}: the descriptor and the metadata are written from {@code p}, without reading the headers
   * again (unless the firmware was swapped since, then the frame is classified again, so one
   * firmware handles it entirely).
   */
  public boolean receive(byte[] pkt, int off, int len, long tsNs, RxParse p, RxContext ctx) {
    // Kept small (the rare paths and each step in a method of its own) so the JIT inlines it into
    // its caller.
    if (Integer.compareUnsigned(len, maxPacket) > 0) {
      dropped++;
      return false;
    }
    ActiveFirmware now = nic.active();
    if (!p.steered || p.fw != now || now != fw) {
      useFirmware(now, pkt, off, len, p);
    }
    if (last != p) {
      last = p; // a reference stored only when it changes (see HeadroomRecord)
    }
    ParseResult result = p.result;
    ParseStatus status = result.status;
    if (status != ParseStatus.OK) {
      statusCounts[LinePadded.LONG_SLACK + status.ordinal()]++;
    }

    long n = delivered; // this frame's number: it goes into buffer n & mask
    int k = (int) n & mask;
    byte[] frame = frameArray;
    int hardStart = frameStart + k * frameSize;
    int data = hardStart + headroom;
    int metaStart = data - metaSize;
    clearHeadroom(ctx, k, frame, hardStart, metaStart);

    // The frame's bytes: with the tag stripped, copied now (the parse's offsets are those of the
    // stripped frame the writers read); else the writers read them where they are, the same bytes,
    // and the copy comes last, so nothing is live across its call.
    int strip = p.stripOffset;
    vlanStripped = strip >= 0;
    if (strip < 0) {
      writeBlocks(result, tsNs, frame, metaStart, data, pkt, off);
      if (ctx != null) {
        deliver(ctx, frame, hardStart, metaStart, data, data + len, n);
      }
      delivered = n + 1;
      System.arraycopy(pkt, off, frame, data, len);
    } else {
      receiveStripped(pkt, off, len, strip, result, tsNs, hardStart, n, ctx);
    }
    return true;
  }

  /** The rest of {@link #receive} for a frame whose VLAN tag at {@code strip} the NIC removes. */
  private void receiveStripped(
      byte[] pkt,
      int off,
      int len,
      int strip,
      ParseResult result,
      long tsNs,
      int hardStart,
      long n,
      RxContext ctx) {
    byte[] frame = frameArray;
    int data = hardStart + headroom;
    int metaStart = data - metaSize;
    int outLen = VlanStrip.copy(pkt, off, len, frame, data, strip);
    writeBlocks(result, tsNs, frame, metaStart, data, frame, data);
    if (ctx != null) {
      deliver(ctx, frame, hardStart, metaStart, data, data + outLen, n);
    }
    delivered = n + 1;
  }

  /**
   * The frame is to be handled by {@code now}: classified by it unless the steer stage did (a swap
   * came in between), and the queue's per-firmware state rebuilt if it changed.
   */
  private void useFirmware(ActiveFirmware now, byte[] pkt, int off, int len, RxParse p) {
    if (!p.steered || p.fw != now) {
      nic.classify(now, pkt, off, len, p, false);
    }
    if (now != fw) {
      switchTo(now);
    }
  }

  /**
   * The frame's descriptor in the ring and its metadata block before {@code data}, from the parse
   * result and this frame's facts; {@code pkt[pktOff..]} holds the frame's bytes (for fields read
   * from headers).
   */
  private void writeBlocks(
      ParseResult result,
      long tsNs,
      byte[] frame,
      int metaStart,
      int data,
      byte[] pkt,
      int pktOff) {
    int a = nextFrame;
    nextFrame = a + 1 == addressSlots ? 0 : a + 1;
    int slot = nextSlot;
    nextSlot = slot + 1 == ringSlots ? 0 : slot + 1;
    RxFacts facts = this.facts;
    facts.timestampNs = tsNs;
    facts.ringIndex = slot;
    facts.bufferIndex = a; // the rest set once (the writers derive the addresses they report)
    FirmwareCode code = this.code;
    code.writeDescriptor(ring, slot * descSize, result, facts, pkt, pktOff);
    if (metaStart != data) {
      code.writeMetadata(frame, metaStart, result, facts, pkt, pktOff);
    }
  }

  /** Points {@code ctx} at frame {@code n}, just written into its buffer. */
  private void deliver(
      RxContext ctx, byte[] frame, int hardStart, int metaStart, int data, int end, long n) {
    if (mappedIn != ctx) {
      ctx.mapKernel(ringAddress, ring);
      mappedIn = ctx;
    }
    XdpBuff x = ctx.xdp();
    // frameEnd stops short of the tailroom the kernel keeps for skb_shared_info
    // (xdp_data_hard_end).
    x.set(frame, hardStart, metaStart, data, end, hardStart + hardEnd);
    if (x.record != this) {
      x.record = this;
    }
    x.recordFrame = n;
    x.ingressIfindex = ifindex;
    x.rxQueueIndex = index;
    x.egressIfindex = 0;
    ctx.received(index, kfuncs);
  }

  /**
   * The headroom is scratch space programs may grow into (adjust_head/meta): a previous frame's
   * bytes must never leak into this one, or the output would depend on which frames shared a
   * buffer. Only [dirtyFrom, metadata) can have been written since the buffer was last cleared:
   * {@link #dirtyFrom(int)} is the lowest data_meta the run on it reached (XdpBuff.lowest) once
   * that run's context has been handed its next frame ({@link XdpBuff#retire}), and the buffer's
   * start until then (another context took the buffer, or none): all of it is cleared.
   */
  private void clearHeadroom(RxContext ctx, int k, byte[] frame, int hardStart, int metaStart) {
    if (ctx != null) {
      // Whichever buffer (of this queue or another) ctx's last frame is in learns how low its run
      // wrote, before this frame replaces it in ctx.
      ctx.xdp().retire();
    }
    int from = dirtyFrom(k); // >= hardStart
    if (from < metaStart) {
      java.util.Arrays.fill(frame, from, metaStart, (byte) 0);
    }
    dirtyFrom(k, hardStart); // until this frame's run is retired
  }

  /** Rebuilds the per-firmware scratch state (only when the firmware changed). */
  private void switchTo(ActiveFirmware next) {
    fw = next;
    code = next.code();
    metaSize = code.metadataSize();
    descSize = code.descriptorSize();
    ringSlots = next.firmware().ringSize();
    ring = new byte[ringSlots * descSize];
    mappedIn = null; // the new ring is mapped nowhere yet
    facts.descSize = descSize;
    nextSlot = (int) (delivered % ringSlots);
  }

  /** Whether every frame buffer of this queue went back to the pool (after {@link Nic#close}). */
  public boolean released() {
    return pool.refCnt() == 0;
  }

  void release() {
    if (pool.refCnt() > 0) {
      pool.release();
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
    out[0] = last.result.rssHash & 0xffffffffL;
    out[1] = last.result.rssHashType;
    return true;
  }

  /** Like drivers with rx-vlan-offload: a tag is reported only when the NIC stripped it. */
  @Override
  public boolean rxVlanTag(long[] out) {
    if (!vlanStripped) {
      return false;
    }
    out[0] = last.result.vlanProto;
    out[1] = last.result.vlanTci;
    return true;
  }
}
