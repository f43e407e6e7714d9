package io.xdpemu.ebpf.vm;

/**
 * What a NIC queue keeps about its frame buffers so that the next frame in a buffer clears only the
 * headroom a program may have written: per buffer, the lowest offset written since the buffer was
 * last cleared ({@link #dirtyFrom(int)}), known only once the frame's run ended (until then, all of
 * it). The {@link XdpBuff} describing a frame points back here ({@link XdpBuff#retire}), so whoever
 * hands that context its next frame records how low the run went, with no search for the buffer's
 * owner.
 *
 * <p>The queue is its own record (it extends this class): an xdp_buff points at the same object
 * frame after frame, so the reference is not stored again (with G1, a reference store into an old
 * object costs a memory fence), and the queue reaches its record with no load. A queue has one or
 * two buffers and fills them in turn, so frame {@code n} (counting from 0, see {@link #delivered})
 * is in buffer {@code n & mask} and is still there while fewer than {@code buffers} frames came
 * after it: one counter says both where a frame is and whether it was replaced.
 */
public abstract class HeadroomRecord extends LinePadded {
  /** Frames delivered into the buffers so far: the next frame's number. */
  protected long delivered;

  /** {@code buffers - 1}: buffer of frame {@code n} is {@code n & mask}. */
  protected final int mask;

  /**
   * Per buffer {@code b}, at {@code INT_SLACK + b}: the lowest array offset that may hold bytes
   * other than zero below the data. While the buffer's current frame has not been retired it is the
   * buffer's start (everything may have been written); {@link #retired} raises it to the lowest
   * offset the run reached. An array rather than a field per buffer: indexing does not branch on
   * the buffer (unpredictable when frames go to several queues in turn). Padded ({@link
   * LinePadded}): each queue's thread writes its own for every frame.
   */
  private final int[] dirty;

  /**
   * A record of {@code buffers} (1 or 2) buffers; the queue sets each buffer's {@link
   * #dirtyFrom(int)} to its start before first use (never cleared: all of it).
   */
  protected HeadroomRecord(int buffers) {
    if (buffers != 1 && buffers != 2) {
      throw new IllegalArgumentException("a headroom record keeps 1 or 2 buffers, not " + buffers);
    }
    mask = buffers - 1;
    dirty = ints(buffers);
  }

  /** Buffer {@code b}'s lowest offset that may have been written below its data. */
  protected final int dirtyFrom(int b) {
    return dirty[INT_SLACK + b];
  }

  /** Sets {@link #dirtyFrom(int)} of buffer {@code b}. */
  protected final void dirtyFrom(int b, int offset) {
    dirty[INT_SLACK + b] = offset;
  }

  /**
   * Frame {@code frame}'s run wrote nothing below {@code from}: its buffer learns it, if the buffer
   * still holds that frame (fewer than {@code buffers} frames were delivered after it).
   */
  final void retired(long frame, int from) {
    if (delivered - frame <= mask + 1) {
      dirtyFrom((int) frame & mask, from);
    }
  }
}
