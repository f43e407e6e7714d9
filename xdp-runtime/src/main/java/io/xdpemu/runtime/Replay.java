package io.xdpemu.runtime;

import io.xdpemu.ebpf.XdpemuException;
import io.xdpemu.ebpf.maps.MapEvents;
import io.xdpemu.ebpf.maps.MapRegistry;
import io.xdpemu.ebpf.maps.MapType;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.pcap.Capture;
import io.xdpemu.pcap.CaptureCursor;
import io.xdpemu.pcap.EthernetFramer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;

/**
 * Replays captures through the NIC and the attached program. Each RX queue has its own thread and
 * execution context (per-CPU map slot = queue). Work proceeds in batches:
 *
 * <pre>
 *   reader (this thread)   queue 0 = this thread, queues 1.. = helpers   output (this thread)
 *   read B frames     ──►  1. steer: the threads take chunks of    ──►  slots in input order:
 *                             32 frames in turn, parse and hash them       stats, pcaps, trace
 *                             (NIC steer stage; the result travels
 *                             in the slot)
 *                          (all queue threads meet)
 *                          2. run: thread q runs the batch's frames
 *                             RSS gave queue q, in input order
 * </pre>
 *
 * Two batches are in flight (double buffering): this thread starts batch k, emits batch k-1 while
 * the helpers begin steering k, joins the steering, runs queue 0's frames of k, then reads batch
 * k+1 while the helpers finish k. This thread is one of the queue threads, so N queues keep N
 * threads busy, not N + 1 on N cores; steering is shared by whoever is free, so the time this
 * thread spends on the output is made up by the helpers steering more. The threads meet on
 * spin-then-park counters ({@link BatchSignal}) rather than lock-based barriers, whose park and
 * unpark on every batch cost more than the frames of a batch take to run. Steering is spread over
 * the queue threads, so it is no serial stage; which thread steers a frame changes nothing, because
 * steering depends only on the frame and the firmware. The outputs are in input packet order
 * whatever the scheduling; with per-queue input order fixed, a queue's program runs see the same
 * sequence every time, which makes the whole replay reproducible as long as queues do not race on
 * shared map entries (per-CPU maps, atomic adds and read-only maps never do). A program that races
 * (two queues inserting the same hash key with BPF_NOEXIST, a non-atomic read-modify-write of a
 * shared value) loses updates depending on timing, exactly as it would in the kernel. {@code
 * serial} mode removes that freedom: every packet runs in input order, on the reader thread, still
 * with its own queue's execution context (CPU id, per-CPU map slot, prandom state), so the result
 * is byte-identical for any program. Firmware swaps happen at batch boundaries cut at the requested
 * packet index, while every queue is idle.
 */
public final class Replay implements AutoCloseable {
  /** Receives finished packets in input order. */
  interface Sink {
    void accept(PacketSlot slot);

    /**
     * After each batch is emitted (user space polls ring and perf buffers here); in parallel mode
     * the queue threads may already be running the next batch.
     */
    default void endOfBatch() {}
  }

  public static final int DEFAULT_BATCH = 1024;

  private final int queues;
  private final QueueRunner[] runners;
  private final int batchSize;
  private final boolean serial;

  /** The maps to poll after every packet in serial mode when they include ring/perf buffers. */
  private final MapRegistry eventMaps;

  private Attachment attachment;
  private final List<FirmwareSwap> swaps;
  private final ReplayStats stats;

  /** One batch: slots in input order. */
  private static final class Batch {
    final PacketSlot[] slots;
    int filled;

    Batch(int size) {
      slots = new PacketSlot[size];
      for (int i = 0; i < size; i++) {
        slots[i] = new PacketSlot();
      }
    }

    void reset() {
      filled = 0;
    }
  }

  private final Batch[] batches = new Batch[2];

  /** The batch being filled by this thread. */
  private Batch filling;

  /** The batch the queue threads are running (or null); read by them after {@link #started}. */
  private volatile Batch running;

  /** Batches started (this thread), frames-steered arrivals (all queue threads, once a batch). */
  private final BatchSignal started = new BatchSignal();

  private final BatchSignal steered = new BatchSignal();

  /** Helper arrivals after running their queues (once a batch each). */
  private final BatchSignal finished = new BatchSignal();

  private final java.util.function.BooleanSupplier stopped = () -> this.shutdown;

  /** Batches started so far (this thread's count; the helpers count their own). */
  private long batchNo;

  /** Queues 1.. in parallel mode (queue 0 runs on the thread that replays). */
  private final Thread[] threads;

  private boolean threadsStarted;
  private volatile boolean shutdown;
  private volatile Throwable failure;

  public Replay(
      Attachment attachment,
      IntFunction<ExecutionContext> contexts,
      MapRegistry maps,
      boolean keepMeta,
      List<FirmwareSwap> swaps,
      int batchSize,
      boolean serial) {
    this(attachment, contexts, maps, keepMeta, swaps, batchSize, serial, i -> i > 0);
  }

  /**
   * @param devices which ifindexes exist for bpf_redirect (the --fib interfaces); a redirect to
   *     another fails with -EINVAL and the frame is dropped
   */
  public Replay(
      Attachment attachment,
      IntFunction<ExecutionContext> contexts,
      MapRegistry maps,
      boolean keepMeta,
      List<FirmwareSwap> swaps,
      int batchSize,
      boolean serial,
      java.util.function.IntPredicate devices) {
    this.attachment = attachment;
    this.serial = serial;
    this.eventMaps =
        maps != null
                && maps.all().stream()
                    .anyMatch(
                        m -> m.type() == MapType.RINGBUF || m.type() == MapType.PERF_EVENT_ARRAY)
            ? maps
            : null;
    this.queues = attachment.nic().queueCount();
    this.batchSize = batchSize;
    this.swaps = new ArrayList<>(swaps);
    if (this.swaps.stream().allMatch(w -> w.atTimeNs() < 0)) {
      this.swaps.sort((a, b) -> Long.compare(a.atIndex(), b.atIndex()));
    } // else: applied in the order given, each when its own condition is met
    this.stats = new ReplayStats(queues);
    this.runners = new QueueRunner[queues];
    for (int q = 0; q < queues; q++) {
      runners[q] = new QueueRunner(q, contexts.apply(q), maps, keepMeta, devices);
    }
    this.batches[0] = new Batch(batchSize);
    this.batches[1] = queues > 1 && !serial ? new Batch(batchSize) : batches[0];
    this.filling = batches[0];
    if (queues > 1 && !serial) {
      threads = new Thread[queues - 1];
      for (int q = 1; q < queues; q++) {
        int queue = q;
        threads[q - 1] = new Thread(() -> workerLoop(queue), "xdpemu-rxq-" + q);
        threads[q - 1].setDaemon(true);
      }
    } else {
      threads = new Thread[0];
    }
  }

  public ReplayStats stats() {
    return stats;
  }

  /** The execution context of a queue (for tests and the trace). */
  public ExecutionContext context(int queue) {
    return runners[queue].context();
  }

  /**
   * Replays the captures in order, handing every packet to {@code sink} in input order; {@code
   * progress} (may be null) gets the packet count after each batch.
   */
  void run(List<Capture> captures, Sink sink, LongConsumer progress) {
    try {
      pass(captures, sink, progress);
    } finally {
      stopWorkers();
    }
  }

  /**
   * In-memory entry point (benchmarks, embedders): replays {@code captures} (e.g. {@link
   * Capture#of}) once more with no outputs, keeping the queue threads alive for the next call, so
   * repeated passes allocate nothing per packet. Packet indexes (and firmware swaps) start again at
   * 0 on every pass; the counters of {@link #stats()} accumulate over passes, {@code elapsedNs} is
   * the last pass's. {@link #close()} stops the queue threads.
   */
  public ReplayStats replay(List<Capture> captures) {
    if (shutdown) {
      throw new IllegalStateException("replay is closed");
    }
    boolean ok = false;
    try {
      pass(captures, NO_OUTPUT, null);
      ok = true;
    } finally {
      if (!ok) {
        stopWorkers();
      }
    }
    return stats;
  }

  private static final Sink NO_OUTPUT = s -> {};

  /** Stops the queue threads (idempotent). */
  @Override
  public void close() {
    stopWorkers();
  }

  private void pass(List<Capture> captures, Sink sink, LongConsumer progress) {
    if (!threadsStarted) {
      threadsStarted = true;
      for (Thread t : threads) {
        t.start();
      }
    }
    Thread[] parties = java.util.Arrays.copyOf(threads, threads.length + 1);
    parties[threads.length] = Thread.currentThread(); // queue 0: whoever replays this pass
    started.parties(parties);
    steered.parties(parties);
    finished.parties(parties);
    long t0 = System.nanoTime();
    long index = 0;
    int nextSwap = 0;
    long firstTs = Long.MIN_VALUE;
    try {
      for (Capture cap : captures) {
        CaptureCursor cur = cap.cursor();
        while (cur.next()) {
          if (firstTs == Long.MIN_VALUE) {
            firstTs = cur.timestampNs();
          }
          while (nextSwap < swaps.size()
              && swaps.get(nextSwap).due(index, cur.timestampNs() - firstTs)) {
            drain(sink);
            swap(swaps.get(nextSwap++), index);
          }
          Batch b = filling;
          PacketSlot s = b.slots[b.filled];
          int len = EthernetFramer.frameLength(cur);
          s.ensureIn(len);
          EthernetFramer.frame(cur, s.in, 0);
          s.inLength = len;
          s.index = index++;
          s.timestampNs = cur.timestampNs();
          b.filled++;
          if (b.filled == batchSize) {
            dispatch(sink);
            if (progress != null) {
              progress.accept(index);
            }
          }
        }
      }
      drain(sink);
      while (nextSwap < swaps.size()) {
        // A swap past the end of the input still loads (and reports) the firmware.
        swap(swaps.get(nextSwap++), index);
      }
      if (progress != null) {
        progress.accept(index);
      }
    } finally {
      stats.elapsedNs = System.nanoTime() - t0;
    }
  }

  private void swap(FirmwareSwap sw, long index) {
    try {
      Attachment next = sw.load().get();
      if (next.nic().queueCount() != queues) {
        stats.swaps.add(
            new ReplayStats.Swap(
                index,
                sw.file(),
                false,
                "firmware has " + next.nic().queueCount() + " queues, the replay runs " + queues));
        return;
      }
      attachment = next;
      stats.swaps.add(new ReplayStats.Swap(index, sw.file(), true, null));
    } catch (XdpemuException e) {
      stats.swaps.add(new ReplayStats.Swap(index, sw.file(), false, e.getMessage()));
    }
  }

  /**
   * Hands the filled batch on. Serial (or one queue): runs it here and emits it. Parallel: waits
   * for the batch in flight, starts this one, emits the finished one while the helpers steer, then
   * does its share of the steering and queue 0's frames; the next batch is filled into the buffer
   * just emitted while the helpers finish theirs.
   */
  private void dispatch(Sink sink) {
    Batch b = filling;
    if (b.filled == 0) {
      return;
    }
    if (queues == 1 || serial) {
      runInOrder(b);
      emit(b, sink);
      return;
    }
    Batch done = null;
    if (running != null) {
      done = finishRunning();
    }
    running = b;
    nextToSteer.set(0);
    batchNo++;
    started.advance();
    if (done != null) {
      emit(done, sink);
    }
    work(0, b, batchNo);
    filling = b == batches[0] ? batches[1] : batches[0];
  }

  /** Runs and emits everything filled so far; afterwards every queue thread is idle. */
  private void drain(Sink sink) {
    dispatch(sink);
    if (running != null) {
      emit(finishRunning(), sink);
    }
  }

  private Batch finishRunning() {
    if (!finished.await(batchNo * threads.length, stopped)) {
      throw new IllegalStateException("replay closed while a batch was running");
    }
    Batch done = running;
    running = null;
    if (failure != null) {
      throw rethrow(failure);
    }
    return done;
  }

  private void runInOrder(Batch b) {
    Attachment att = attachment;
    for (int i = 0; i < b.filled; i++) {
      PacketSlot s = b.slots[i];
      s.queue = att.nic().steer(s.in, 0, s.inLength, s.parse);
      runners[s.queue].process(s, att);
      if (eventMaps != null) {
        // A consumer that keeps up: what this run wrote to ring/perf buffers belongs to it.
        List<MapEvents.Event> ev = MapEvents.drain(eventMaps);
        s.events = ev.isEmpty() ? null : ev;
      }
    }
  }

  private void emit(Batch b, Sink sink) {
    for (int i = 0; i < b.filled; i++) {
      PacketSlot s = b.slots[i];
      stats.count(s);
      sink.accept(s);
    }
    sink.endOfBatch();
    b.reset();
  }

  /** Frames of the running batch steered at once by one thread. */
  private static final int STEER_CHUNK = 32;

  /** The next frame of the running batch no thread has taken to steer. */
  private final java.util.concurrent.atomic.AtomicInteger nextToSteer =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Steer stage: takes chunks of the batch until none is left (which thread steers a frame changes
   * nothing: the result depends on the frame and the firmware only).
   */
  private void steerShare(Batch b) {
    Attachment att = attachment;
    int n = b.filled;
    for (int from; (from = nextToSteer.getAndAdd(STEER_CHUNK)) < n; ) {
      for (int i = from, to = Math.min(n, from + STEER_CHUNK); i < to; i++) {
        PacketSlot s = b.slots[i];
        s.queue = att.nic().steer(s.in, 0, s.inLength, s.parse);
      }
    }
  }

  /** Runs the batch's frames RSS gave queue q, in input order. */
  private void runQueue(int q, Batch b) {
    QueueRunner r = runners[q];
    Attachment att = attachment;
    PacketSlot[] slots = b.slots;
    for (int i = 0, n = b.filled; i < n; i++) {
      PacketSlot s = slots[i];
      if (s.queue == q) {
        r.process(s, att);
      }
    }
  }

  /**
   * Queue q's part of batch {@code b} (the n-th): its share of the steer stage, the meeting of all
   * queue threads, then its frames. A failure is recorded, not thrown, so that every thread still
   * arrives; the replaying thread rethrows it when it collects the batch.
   */
  private boolean work(int q, Batch b, long n) {
    try {
      steerShare(b);
    } catch (Throwable t) {
      failure = t;
    }
    steered.advance();
    if (!steered.await(n * queues, stopped)) {
      return false;
    }
    try {
      if (failure == null) {
        runQueue(q, b);
      }
    } catch (Throwable t) {
      failure = t;
    }
    return true;
  }

  private void workerLoop(int q) {
    for (long n = 1; ; n++) {
      if (!started.await(n, stopped) || shutdown) {
        return;
      }
      if (!work(q, running, n)) {
        return;
      }
      finished.advance();
    }
  }

  private void stopWorkers() {
    shutdown = true;
    for (Thread t : threads) {
      java.util.concurrent.locks.LockSupport.unpark(t);
    }
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t);
  }
}
