package io.xdpemu.ebpf.vm;

/**
 * The kernel's {@code struct xdp_buff} for one frame (include/net/xdp.h): one byte array holding
 * headroom, metadata, packet and tailroom.
 *
 * <pre>
 *  hardStart        meta        data                end             frameEnd
 *     |  headroom     | metadata  |      packet       |    tailroom     |
 *     +---------------+-----------+-------------------+-----------------+
 * </pre>
 *
 * <p>Offsets are indexes into {@link #frame}. The program sees {@code data}, {@code data_end} and
 * {@code data_meta} as pointers into the {@link AddressSpace#PACKET} region; {@link #syncRegion}
 * keeps that region's bounds at {@code [meta, end)} after every adjustment. When there is no
 * metadata, {@code meta == data} (the kernel sets data_meta = data when the driver supports
 * metadata; see xdp_prepare_buff()).
 */
public final class XdpBuff extends LinePadded {
  /** Size of {@code struct xdp_frame} the kernel keeps at the start of the headroom. */
  public static final int XDP_FRAME_SIZE = 40;

  // The frame geometry of a linear XDP buffer, defined here once for the NIC and test-run:
  //  0           HEADROOM                        PAGE - TAILROOM       PAGE
  //  | xdp_frame, metadata | packet ... tailroom to grow | skb_shared_info |

  /** XDP_PACKET_HEADROOM: bytes before the packet (include/uapi/linux/bpf.h). */
  public static final int XDP_PACKET_HEADROOM = 256;

  /** SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) on x86-64, kept free at the frame's end. */
  public static final int SKB_SHARED_INFO_SIZE = 320;

  /** One page per frame buffer (PAGE_SIZE on x86-64). */
  public static final int PAGE_SIZE = 4096;

  /** The longest linear frame: a page minus headroom and skb_shared_info (3520). */
  public static final int MAX_LINEAR_DATA = PAGE_SIZE - XDP_PACKET_HEADROOM - SKB_SHARED_INFO_SIZE;

  public byte[] frame;
  public int hardStart;
  public int meta;
  public int data;
  public int end;

  /**
   * How far bpf_xdp_adjust_tail may grow the frame: the kernel's xdp_data_hard_end(), i.e. the
   * buffer's end less the tailroom reserved for skb_shared_info (320 bytes on x86-64).
   */
  public int frameEnd;

  public int ingressIfindex;
  public int rxQueueIndex;
  public int egressIfindex;

  /**
   * The lowest offset {@code data_meta} (and so {@code data}) has had since {@link #set}: the
   * program can only have written the frame at or above it. bpf_xdp_adjust_head/meta lower it; a
   * NIC reusing the buffer clears {@code [lowest, data)} of the headroom instead of all of it.
   */
  public int lowest;

  /**
   * The NIC queue's record of its buffers ({@link HeadroomRecord}), and the number of this frame
   * among the frames that queue delivered; {@link #recordFrame} is -1 when no NIC delivered the
   * frame (test-run) or it was retired. {@link #set} clears {@link #recordFrame} only, so a NIC
   * delivering frame after frame into this xdp_buff does not store the same reference again.
   */
  public HeadroomRecord record;

  public long recordFrame = -1;

  /**
   * The frame's run is over (its context is about to describe another frame): its buffer's record
   * learns how low the run wrote ({@link #lowest}), if the buffer still holds this frame. A buffer
   * whose record is never told is cleared in full next time.
   */
  public void retire() {
    long f = recordFrame;
    if (f >= 0) {
      // Since the delivery the buffer counts as dirty from its start (the run not yet retired); the
      // run wrote at or above max(hardStart, lowest), and lowest never exceeds the metadata start.
      record.retired(f, Math.max(hardStart, lowest));
      recordFrame = -1;
    }
  }

  /**
   * Points this xdp_buff at a frame. The array reference is stored only when it changes (frames of
   * one pool share arrays): with G1 a reference store into an old object costs a fence.
   */
  public void set(byte[] frame, int hardStart, int meta, int data, int end, int frameEnd) {
    this.recordFrame = -1;
    if (this.frame != frame) {
      this.frame = frame;
    }
    this.hardStart = hardStart;
    this.meta = meta;
    this.data = data;
    this.end = end;
    this.frameEnd = frameEnd;
    this.lowest = Math.min(meta, data);
  }

  public int metaLength() {
    return data - meta;
  }

  public int length() {
    return end - data;
  }

  public void syncRegion(Region packet) {
    packet.reset(frame, meta, end);
  }
}
