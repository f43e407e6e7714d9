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

  private static final int PACKED_FIXED = 4;

  /**
   * Ints {@link #pack} may write for a frame steered by {@code nic}'s current firmware: the stride
   * of a packed array of steered frames.
   */
  public static int packedInts(Nic nic) {
    return PACKED_FIXED + ParseResult.packedInts(nic.active().resultCapacity());
  }

  /**
   * Writes what the steer stage learned (queue, VLAN strip, firmware generation, parse result) into
   * {@code dst} from {@code at}: how a steered frame crosses to another thread's queue in a few
   * sequential cache lines (the object and its arrays would be several lines written on one core
   * and read on the other). Only for a steered frame.
   */
  public int pack(int[] dst, int at) {
    long g = fw.generation();
    dst[at] = queue;
    dst[at + 1] = stripOffset;
    dst[at + 2] = (int) g;
    dst[at + 3] = (int) (g >>> 32);
    return PACKED_FIXED + result.pack(dst, at + PACKED_FIXED);
  }

  /**
   * Makes this the frame {@link #pack} wrote, as {@code nic} steered it. If the NIC's firmware is
   * no longer the one that steered it, the frame counts as not steered, and the queue classifies it
   * again with the current firmware (so one firmware handles it entirely).
   */
  public void unpack(int[] src, int at, Nic nic) {
    ActiveFirmware now = nic.active();
    long g = (src[at + 2] & 0xffffffffL) | ((long) src[at + 3] << 32);
    if (g != now.generation()) {
      steered = false;
      return;
    }
    prepare(now);
    queue = src[at];
    stripOffset = src[at + 1];
    result.unpack(src, at + PACKED_FIXED);
    steered = true;
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
