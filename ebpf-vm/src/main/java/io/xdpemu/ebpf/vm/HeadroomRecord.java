package io.xdpemu.ebpf.vm;

/**
 * What a NIC queue keeps about each of its frame buffers so that the next frame in a buffer clears
 * only the headroom a program may have written: the lowest offset written since the buffer was last
 * cleared ({@link #dirtyFrom}), known only once the frame's run ended (until then, all of it). The
 * {@link XdpBuff} describing a frame points back here ({@link XdpBuff#retire}), so whoever hands
 * that context its next frame records how low the run went, with no search for the buffer's owner.
 *
 * <p>One object per queue, indexed by buffer, so an xdp_buff points at the same record frame after
 * frame: a reference that does not change is not stored again (with G1, a reference store into an
 * old object costs a memory fence).
 */
public final class HeadroomRecord extends LinePadded {
  /**
   * Per buffer {@code b}, at {@code INT_SLACK + b}: the lowest array offset that may hold bytes
   * other than zero below the data. While the buffer's current frame has not been retired it is the
   * buffer's start (everything may have been written); {@link XdpBuff#retire} raises it to the
   * lowest offset the run reached. The NIC sets each buffer's start before first use. The arrays
   * are padded ({@link LinePadded}): each queue's thread writes its own record for every frame.
   */
  public final int[] dirtyFrom;

  /**
   * Per buffer, at {@code LONG_SLACK + b}: frames delivered into it so far (tells a stale {@link
   * XdpBuff} from the current).
   */
  public final long[] frames;

  public HeadroomRecord(int buffers) {
    dirtyFrom = ints(buffers);
    frames = longs(buffers);
  }
}
