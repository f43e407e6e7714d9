package io.xdpemu.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One batch of a multi-queue replay: packet slots in input order, cut into chunks of {@value
 * #CHUNK} frames that the queue threads steer (frame copy, parse, RSS) as they go, each chunk once,
 * by whichever thread gets to it first. A chunk is published with a release store of the batch's
 * sequence number, so no flag is ever reset; the queue each frame went to and what its steering
 * learned are kept in compact arrays, which the queue threads read instead of the slots (a frame
 * steered on one core and run on another moves a few sequential cache lines, not an object graph).
 */
final class ReplayBatch {
  /** Frames steered at once by one thread. */
  static final int CHUNK = 32;

  private static final VarHandle DONE = MethodHandles.arrayElementVarHandle(long[].class);

  /**
   * The batch's frames in input order when a sink reads them (else empty: see {@link #slotsFor}).
   */
  PacketSlot[] slots = new PacketSlot[0];

  /** Frames a batch holds at most. */
  final int capacity;

  /**
   * Where each record lies until it is framed into its slot: the reader only locates records and
   * writes these compact arrays (not the slots, which the queue threads own meanwhile); whoever
   * steers a chunk copies its frames. Capture buffers are read with absolute gets only.
   */
  final java.nio.ByteBuffer[] source;

  final int[] offset;
  final int[] length;
  final int[] linkType;
  final long[] timestampNs;

  /** The packet index of slot 0. */
  long firstIndex;

  /**
   * What the steer stage learned about each frame ({@link io.xdpemu.nic.RxParse#pack}): each chunk
   * has room for {@link #CHUNK} records of at most {@link #stride} ints, and its records follow
   * each other without gaps (a frame with a short header stack takes few ints), so the frames of a
   * chunk are a few sequential cache lines each: written by the thread that steered the chunk, read
   * by the frames' queue threads. {@link #recordAt} is where each frame's record starts.
   */
  int[] steeredFrames = new int[0];

  final int[] recordAt;

  /** Ints a record takes at most (set when the batch starts: one firmware a batch). */
  int stride;

  /** The queue RSS gave each frame (-1 while not steered or when steering failed). */
  final int[] queueOf;

  /** Per chunk: the sequence number of the batch it was last steered for. */
  private final long[] steeredFor;

  /** The next chunk of this batch no thread has taken to steer. */
  final AtomicInteger nextChunk = new AtomicInteger();

  int filled;

  /** This batch's sequence number while it runs (1, 2, ... over the replay; never reused). */
  long seq;

  ReplayBatch(int size) {
    capacity = size;
    queueOf = new int[size];
    recordAt = new int[size];
    source = new java.nio.ByteBuffer[size];
    offset = new int[size];
    length = new int[size];
    linkType = new int[size];
    timestampNs = new long[size];
    steeredFor = new long[(size + CHUNK - 1) / CHUNK];
  }

  /**
   * Makes the packet slots exist when a sink reads the frames (the frames then run in them and are
   * emitted from them); a replay without outputs never allocates them. Called before the batch is
   * published to the queue threads.
   */
  void slotsFor(boolean emit) {
    if (emit && slots.length == 0) {
      slots = new PacketSlot[capacity];
      for (int i = 0; i < capacity; i++) {
        slots[i] = new PacketSlot();
      }
    }
  }

  /**
   * Sizes {@link #steeredFrames} for records of {@code ints} at most (grows only with the
   * firmware).
   */
  void strideFor(int ints) {
    stride = ints;
    int room = ints * CHUNK * ((capacity + CHUNK - 1) / CHUNK);
    if (steeredFrames.length < room) {
      steeredFrames = new int[room];
    }
  }

  int chunks() {
    return (filled + CHUNK - 1) / CHUNK;
  }

  boolean steered(int chunk) {
    return (long) DONE.getAcquire(steeredFor, chunk) == seq;
  }

  void publish(int chunk) {
    DONE.setRelease(steeredFor, chunk, seq);
  }
}
