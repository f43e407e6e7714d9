package io.xdpemu.ebpf.vm;

/**
 * What a NIC keeps about one of its frame buffers so that the next frame in it clears only the
 * headroom a program may have written: the lowest offset written since the buffer was last cleared
 * ({@link #dirtyFrom}), known only once the frame's run ended ({@link #retired}). The {@link
 * XdpBuff} describing the frame points back here ({@link XdpBuff#retire}), so whoever hands that
 * context its next frame records how low the run went, with no search for the buffer's owner.
 */
public final class HeadroomRecord {
  /** The lowest array offset of the buffer that may hold bytes other than zero below the data. */
  public int dirtyFrom;

  /**
   * Whether {@link #dirtyFrom} already counts the run on the buffer's current frame. False from the
   * frame's delivery until its context is handed another frame; a buffer that comes back before
   * then is cleared in full.
   */
  public boolean retired;

  /** Frames delivered into the buffer so far: tells a stale {@link XdpBuff} from the current. */
  public long frames;
}
