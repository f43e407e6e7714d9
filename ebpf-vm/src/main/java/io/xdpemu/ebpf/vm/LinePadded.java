package io.xdpemu.ebpf.vm;

/**
 * Base of the objects a replay's threads write for every frame (per queue, per lane, per packet
 * slot): 132 bytes of padding ahead of the subclass's fields (a superclass's fields are laid out
 * first), so that the fields two threads write never share a cache line, or the pair of lines some
 * CPUs fetch together, wherever the allocator or the garbage collector puts the objects. The
 * collector does put them side by side: G1 copies the elements of an array of references (a NIC's
 * queues, a replay's lanes and slots) one after the other, and two queue threads writing
 * neighbouring objects pass the line between their cores on every frame - measured at two to five
 * times the CPU per packet of the same replay on one core, varying from JVM to JVM with where the
 * objects landed (benchmarks/RESULTS.md, wave 7).
 *
 * <p>Arrays written per frame are padded the same way: allocated {@link #SLACK_BYTES} bytes larger
 * at each end and used from index {@code SLACK_BYTES / elementSize}.
 */
@SuppressWarnings("unused") // the fields are the padding
public abstract class LinePadded {
  /** Bytes of room around what a thread writes: two 64-byte lines. */
  public static final int SLACK_BYTES = 128;

  /** The first used index of a padded {@code long[]}. */
  public static final int LONG_SLACK = SLACK_BYTES / Long.BYTES;

  /** The first used index of a padded {@code int[]}. */
  public static final int INT_SLACK = SLACK_BYTES / Integer.BYTES;

  private int p00; // fills the gap after the 12-byte object header
  private long p01, p02, p03, p04, p05, p06, p07, p08;
  private long p09, p10, p11, p12, p13, p14, p15, p16;

  /** A {@code long[]} of {@code n} used elements from {@link #LONG_SLACK}, padded at both ends. */
  public static long[] longs(int n) {
    return new long[LONG_SLACK + n + LONG_SLACK];
  }

  /** An {@code int[]} of {@code n} used elements from {@link #INT_SLACK}, padded at both ends. */
  public static int[] ints(int n) {
    return new int[INT_SLACK + n + INT_SLACK];
  }
}
