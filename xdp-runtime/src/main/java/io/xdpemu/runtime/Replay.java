package io.xdpemu.runtime;

import io.xdpemu.ebpf.XdpemuException;
import io.xdpemu.ebpf.maps.MapEvents;
import io.xdpemu.ebpf.maps.MapRegistry;
import io.xdpemu.ebpf.maps.MapType;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.pcap.Capture;
import io.xdpemu.pcap.CaptureCursor;
import io.xdpemu.pcap.EthernetFramer;
import io.xdpemu.pcap.LinkType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;

/**
 * Replays captures through the NIC and the attached program. Each RX queue has its own execution
 * context (per-CPU map slot = queue) and, with several queues, its own thread.
 *
 * <p>One queue, one core (one lane) or {@code serial}: every packet is read, framed, steered, run
 * and emitted before the next, on the thread that replays, through one packet slot that stays in
 * the cache.
 *
 * <p>Several queues on several cores: the queues are dealt to {@code L = min(queues, cores)} lanes
 * (queue q to lane {@code q % L}), one thread each; work proceeds in batches, at most {@link
 * #IN_FLIGHT} in flight:
 *
 * <pre>
 *   lane 0 = the replaying thread                     lanes 1.. = helper threads
 *   each lane walks the captures with its own cursors and cuts the same batches; for every frame
 *   of a batch, in order: steer it (parse, RSS queue; checksums... only for its own queues) into
 *   the lane's own parse result; if the queue is one of the lane's, receive and run it from that
 *   result
 *   wait until every lane finished batch k  ◄──────   (run ahead, up to k+3 while k is emitted)
 *   emit batch k (stats, pcaps, trace; in order) ──►  (batch k+4 may reuse k's slots)
 *   apply a swap due at the next packet ───────────►  (wait at that packet until it is applied)
 * </pre>
 *
 * Every lane steers every frame (another lane's only as far as its queue) and runs only its own
 * queues' frames: nothing a lane writes per frame is read by another lane (only the emitting thread
 * reads the slots of frames it emits), so the lanes do not meet in the cache. Steering parse
 * results across threads instead (each chunk of frames steered once, by whichever thread got to it,
 * the results packed for the frames' queue threads) was measured: every result crossing cores cost
 * more than steering the frame again (see benchmarks/RESULTS.md, wave 7). Which lane steers a frame
 * changes nothing, because steering depends only on the frame and the firmware; each queue runs its
 * own frames in input order on one lane whatever the scheduling, so a queue's program runs see the
 * same sequence every time, which makes the whole replay reproducible as long as queues do not race
 * on shared map entries (per-CPU maps, atomic adds and read-only maps never do). A program that
 * races (two queues inserting the same hash key with BPF_NOEXIST, a non-atomic read-modify-write of
 * a shared value) loses updates depending on timing, exactly as it would in the kernel. {@code
 * serial} mode (and a replay with one lane) removes that freedom: every packet runs in input order,
 * on the reader thread, still with its own queue's execution context (CPU id, per-CPU map slot,
 * prandom state), so the result is byte-identical for any program. The threads meet on
 * spin-then-park counters ({@link BatchSignal}) once a batch. Firmware swaps happen at batch
 * boundaries cut at the requested packet index, while every queue is idle.
 */
public final class Replay implements AutoCloseable {
  /** Receives finished packets in input order. */
  interface Sink {
    void accept(PacketSlot slot);

    /**
     * After each batch is emitted (user space polls ring and perf buffers here); in parallel mode
     * the other lanes may already be running the next batch.
     */
    default void endOfBatch() {}

    /**
     * The actions (bit {@code 1 << action}) whose frames {@link #accept} reads from {@link
     * PacketSlot#out}; the others are not copied out of the NIC's buffer.
     */
    default int framesRead() {
      return ALL_ACTIONS;
    }

    /** False for a sink whose {@link #accept} does nothing: then it is not called. */
    default boolean wantsPackets() {
      return true;
    }

    /**
     * A sink that reads no packets (no output files: the benchmarks, {@code run} without {@code
     * --out}); {@code afterBatch} still runs after each batch.
     */
    static Sink discarding(Runnable afterBatch) {
      return new Sink() {
        @Override
        public void accept(PacketSlot slot) {}

        @Override
        public int framesRead() {
          return 0;
        }

        @Override
        public boolean wantsPackets() {
          return false;
        }

        @Override
        public void endOfBatch() {
          afterBatch.run();
        }
      };
    }
  }

  static final int ALL_ACTIONS = (1 << XdpAction.COUNT) - 1;

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

  /** The replaying thread's walk of the captures (lane 0's; reused pass after pass). */
  private final InputRecords records = new InputRecords();

  /** The slot of the one-thread replay. */
  private final PacketSlot single = new PacketSlot();

  /**
   * Batches in flight at most: the other lanes may run up to this many batches ahead of the thread
   * that emits, so a batch that happens to give one queue more frames, or a thread that loses its
   * core for a while, does not stall the others at the next batch boundary.
   */
  static final int IN_FLIGHT = 4;

  /** The batches of the multi-queue replay (empty with one thread), reused in turn. */
  private final ReplayBatch[] batches;

  /** The actions whose frames this pass's sink reads (set before the pass starts). */
  private volatile int keepOut = ALL_ACTIONS;

  /**
   * Whether this pass's sink reads packets: then each frame runs in its batch slot, which the
   * emitting thread reads; otherwise each lane runs its frames in its own slot, which stays in its
   * cache (set before the pass starts).
   */
  private volatile boolean emitSlots = true;

  /**
   * Per lane (multi-lane replay; empty otherwise): the slot its frames are copied into and, when
   * nothing is emitted, run in; the parse result it steers every frame into. Each is used by that
   * lane's thread only.
   */
  private final PacketSlot[] own;

  private final io.xdpemu.nic.RxParse[] laneParse;

  /** The lane that runs each queue: {@code q % lanes}. */
  private final int[] laneOf;

  /** The captures of the pass under way (set before it starts). */
  private volatile List<Capture> passCaptures = List.of();

  /** Swaps processed before the pass under way (set before it starts). */
  private volatile long swapBase;

  /**
   * What lane 0 (the replaying thread) tells the other lanes: passes started; batches emitted (a
   * lane starts batch k, whose slots batch k - IN_FLIGHT used, once that one is emitted); swaps
   * processed (a lane that reaches a packet a swap is due at waits until it is).
   */
  private final BatchSignal passStarted = new BatchSignal();

  private final BatchSignal emitted = new BatchSignal();
  private final BatchSignal swapped = new BatchSignal();

  /**
   * Per other lane, the batches it finished. One counter per lane, not one shared: a lane may
   * already have finished batch k+1 while another is still in k, so a shared count would say k is
   * done too early.
   */
  private final BatchSignal[] finished;

  private final java.util.function.BooleanSupplier stopped = () -> this.shutdown;

  /** Batches of the replay so far, over all passes (the number of the last one). */
  private long batchNo;

  /** Lanes 1.. in parallel mode (lane 0 runs on the thread that replays). */
  private final Thread[] threads;

  private boolean threadsStarted;
  private volatile boolean shutdown;
  private volatile Throwable failure;

  /**
   * A replay of {@code attach}'s program with no outputs, for passes over captures held in memory
   * ({@link #replay}: benchmarks, embedders): the attachment's execution contexts, maps and
   * redirect devices, the default batch, on lanes or ({@code serial}) on one thread.
   */
  public static Replay inMemory(Attach attach, boolean serial) {
    LoadPipeline.Loaded loaded = attach.loaded();
    return new Replay(
        attach.attachment(),
        loaded::newContext,
        loaded.maps(),
        false,
        List.of(),
        DEFAULT_BATCH,
        serial,
        loaded.devices());
  }

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

  public Replay(
      Attachment attachment,
      IntFunction<ExecutionContext> contexts,
      MapRegistry maps,
      boolean keepMeta,
      List<FirmwareSwap> swaps,
      int batchSize,
      boolean serial,
      java.util.function.IntPredicate devices) {
    this(
        attachment,
        contexts,
        maps,
        keepMeta,
        swaps,
        batchSize,
        serial,
        devices,
        Runtime.getRuntime().availableProcessors());
  }

  /**
   * @param devices which ifindexes exist for bpf_redirect (the --fib interfaces); a redirect to
   *     another fails with -EINVAL and the frame is dropped
   * @param cores threads the replay may keep busy: the queues are dealt to {@code min(queues,
   *     cores)} lanes (more threads than cores would only take turns on them)
   */
  Replay(
      Attachment attachment,
      IntFunction<ExecutionContext> contexts,
      MapRegistry maps,
      boolean keepMeta,
      List<FirmwareSwap> swaps,
      int batchSize,
      boolean serial,
      java.util.function.IntPredicate devices,
      int cores) {
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
    int lanes = lanes(queues, serial, cores);
    boolean parallel = lanes > 1;
    this.laneOf = new int[queues];
    for (int q = 0; q < queues; q++) {
      laneOf[q] = q % lanes;
    }
    this.own = new PacketSlot[parallel ? lanes : 0];
    this.laneParse = parallel ? laneParses(queues, lanes) : new io.xdpemu.nic.RxParse[0];
    for (int l = 0; l < own.length; l++) {
      own[l] = new PacketSlot();
    }
    for (int q = 0; q < queues; q++) {
      runners[q] = new QueueRunner(q, contexts.apply(q), maps, keepMeta, devices);
    }
    if (parallel) {
      batches = new ReplayBatch[IN_FLIGHT];
      for (int i = 0; i < IN_FLIGHT; i++) {
        batches[i] = new ReplayBatch(batchSize);
      }
      threads = new Thread[lanes - 1];
      finished = new BatchSignal[lanes - 1];
      for (int l = 1; l < lanes; l++) {
        int lane = l;
        threads[l - 1] = new Thread(() -> workerLoop(lane), "xdpemu-lane-" + l);
        threads[l - 1].setDaemon(true);
        finished[l - 1] = new BatchSignal();
      }
    } else {
      batches = new ReplayBatch[0];
      threads = new Thread[0];
      finished = new BatchSignal[0];
    }
  }

  /**
   * The lanes a replay of {@code queues} queues runs on: {@code min(queues, cores)}, 1 in serial.
   */
  static int lanes(int queues, boolean serial, int cores) {
    return serial ? 1 : Math.max(1, Math.min(queues, cores));
  }

  /**
   * One parse result per lane, each told which queues its lane runs (queue q on lane {@code q %
   * lanes}): a lane needs only the queue of a frame another lane runs, and the NIC stops there.
   */
  static io.xdpemu.nic.RxParse[] laneParses(int queues, int lanes) {
    io.xdpemu.nic.RxParse[] parses = new io.xdpemu.nic.RxParse[lanes];
    for (int l = 0; l < lanes; l++) {
      boolean[] mine = new boolean[queues];
      for (int q = 0; q < queues; q++) {
        mine[q] = q % lanes == l;
      }
      parses[l] = new io.xdpemu.nic.RxParse();
      parses[l].onlyFor(mine);
    }
    return parses;
  }

  public ReplayStats stats() {
    return stats;
  }

  /** Threads that run queues: 1, or one per lane. */
  int lanes() {
    return threads.length + 1;
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
   * Capture#of}) once more with no outputs, keeping the lanes' threads alive for the next call, so
   * repeated passes allocate nothing per packet. Packet indexes (and firmware swaps) start again at
   * 0 on every pass; the counters of {@link #stats()} accumulate over passes, {@code elapsedNs} is
   * the last pass's. {@link #close()} stops the lanes' threads.
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

  private static final Sink NO_OUTPUT = Sink.discarding(() -> {});

  /** Stops the lanes' threads (idempotent). */
  @Override
  public void close() {
    stopWorkers();
  }

  private void pass(List<Capture> captures, Sink sink, LongConsumer progress) {
    keepOut = sink.framesRead();
    emitSlots = sink.wantsPackets();
    long t0 = System.nanoTime();
    InputRecords in = records.start(captures);
    int nextSwap = 0;
    try {
      if (threads.length == 0) {
        nextSwap = passOnOneThread(in, sink, progress);
      } else {
        nextSwap = passInBatches(captures, in, sink, progress);
      }
      addCounts();
      while (nextSwap < swaps.size()) {
        // A swap past the end of the input still loads (and reports) the firmware.
        swap(swaps.get(nextSwap++), in.index());
      }
      if (progress != null) {
        progress.accept(in.index());
      }
    } finally {
      stats.elapsedNs = System.nanoTime() - t0;
    }
  }

  /** Adds what every queue counted in this pass to the replay's statistics. */
  private void addCounts() {
    List<ReplayStats.Abort> aborts = new ArrayList<>();
    for (int q = 0; q < queues; q++) {
      QueueCounts c = runners[q].counts;
      stats.add(q, c);
      aborts.addAll(c.firstAborts);
      c.clear();
    }
    stats.addAborts(aborts);
  }

  /** Whether the next swap is due before the record {@code in} holds. */
  private boolean swapDue(InputRecords in, int nextSwap) {
    return nextSwap < swaps.size() && swaps.get(nextSwap).due(in.index(), in.sinceFirstNs());
  }

  /**
   * One queue, or serial: each packet is run and emitted before the next is read, so one slot
   * serves them all and stays in the cache. {@link Sink#endOfBatch} still comes every {@link
   * #batchSize} packets (and before a swap), as in the multi-queue replay. Returns the next swap.
   */
  private int passOnOneThread(InputRecords in, Sink sink, LongConsumer progress) {
    PacketSlot s = single;
    int keep = keepOut;
    boolean wants = sink.wantsPackets();
    int inBatch = 0;
    int nextSwap = 0;
    while (in.peek()) {
      if (swapDue(in, nextSwap)) {
        if (inBatch > 0) {
          sink.endOfBatch();
          inBatch = 0;
        }
        while (swapDue(in, nextSwap)) {
          swap(swaps.get(nextSwap++), in.index());
        }
      }
      onePacket(in, s, keep, wants);
      if (wants) {
        sink.accept(s);
      }
      if (++inBatch == batchSize) {
        sink.endOfBatch();
        inBatch = 0;
        if (progress != null) {
          progress.accept(in.index());
        }
      }
    }
    if (inBatch > 0) {
      sink.endOfBatch();
    }
    return nextSwap;
  }

  /**
   * The record {@code in} holds, taken and run in {@code s}. A method of its own, called per
   * packet, so the JIT compiles it after a few thousand packets; {@link #passOnOneThread}'s loop,
   * entered once a pass, would reach the optimizing compiler only by on-stack replacement, hundreds
   * of milliseconds into a replay.
   */
  private void onePacket(InputRecords in, PacketSlot s, int keep, boolean wants) {
    CaptureCursor cur = in.cursor();
    byte[] heap = in.heapArray();
    byte[] src;
    int srcOff;
    if (!wants && heap != null && cur.linkType() == LinkType.EN10MB) {
      // Nobody reads the slot's copy of the frame: the NIC steers and receives it straight
      // from the capture held in memory (it only reads it) - one copy of the frame fewer.
      src = heap;
      srcOff = in.heapBase() + cur.dataOffset();
      s.inLength = EthernetFramer.recordLength(cur);
    } else {
      s.ensureIn(EthernetFramer.frameLength(cur));
      s.inLength = EthernetFramer.frame(cur, s.in, 0);
      src = s.in;
      srcOff = 0;
    }
    s.timestampNs = cur.timestampNs();
    s.index = in.take();
    runInOrder(s, keep, src, srcOff);
  }

  /** Runs the frame of {@code s}, whose bytes are {@code src[off..off + s.inLength)}. */
  private void runInOrder(PacketSlot s, int keep, byte[] src, int off) {
    Attachment att = attachment;
    s.queue = att.nic().steer(src, off, s.inLength, s.parse);
    runners[s.queue].process(s, s.parse, att, keep, src, off);
    if (eventMaps != null) {
      // A consumer that keeps up: what this run wrote to ring/perf buffers belongs to it.
      List<MapEvents.Event> ev = MapEvents.drain(eventMaps);
      if (!ev.isEmpty()) {
        s.rareSet = true;
        s.events = ev;
      }
    }
  }

  /**
   * Several lanes: every lane walks the captures with its own cursors and cuts the same batches
   * (every {@link #batchSize} packets, and before a packet a swap is due at); this thread does lane
   * 0's part of each batch, waits until the other lanes are done with it (usually long done: they
   * run up to {@link #IN_FLIGHT} batches ahead) and emits it. A swap is applied when everything
   * before its packet has run and been emitted; the other lanes wait for it at that packet. Returns
   * the next swap.
   */
  private int passInBatches(
      List<Capture> captures, InputRecords in, Sink sink, LongConsumer progress) {
    for (ReplayBatch b : batches) {
      b.slotsFor(emitSlots);
    }
    Thread[] parties = java.util.Arrays.copyOf(threads, threads.length + 1);
    parties[threads.length] = Thread.currentThread(); // lane 0: whoever replays this pass
    for (BatchSignal signal : new BatchSignal[] {passStarted, emitted, swapped}) {
      signal.parties(parties);
    }
    for (BatchSignal f : finished) {
      f.parties(parties);
    }
    if (!threadsStarted) {
      threadsStarted = true;
      for (Thread t : threads) {
        t.start();
      }
    }
    passCaptures = captures;
    swapBase = swapped.value();
    passStarted.advance(); // publishes the fields above to the lanes
    int nextSwap = 0;
    while (in.peek()) {
      if (swapDue(in, nextSwap)) {
        // Everything before this packet has run and been emitted; the other lanes wait here.
        swap(swaps.get(nextSwap++), in.index());
        swapped.advance();
        continue;
      }
      long batch = ++batchNo;
      ReplayBatch b = batches[(int) (batch % IN_FLIGHT)];
      b.firstIndex = in.index();
      b.filled = walk(0, in, b, nextSwap);
      finishRunning(batch);
      emit(b, sink, progress, in);
      emitted.advance();
    }
    return nextSwap;
  }

  /** Waits until every other lane is done with batch {@code batch}; rethrows what a lane hit. */
  private void finishRunning(long batch) {
    for (BatchSignal f : finished) {
      if (!f.await(batch, stopped)) {
        throw new IllegalStateException("replay closed while a batch was running");
      }
    }
    if (failure != null) {
      throw rethrow(failure);
    }
  }

  private void emit(ReplayBatch b, Sink sink, LongConsumer progress, InputRecords in) {
    if (sink.wantsPackets()) {
      PacketSlot[] slots = b.slots;
      for (int i = 0, n = b.filled; i < n; i++) {
        sink.accept(slots[i]);
      }
    }
    sink.endOfBatch();
    b.filled = 0;
    if (progress != null) {
      progress.accept(in.index());
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
   * Lane {@code lane}'s part of the batch that starts at the record {@code in} holds: up to {@link
   * #batchSize} records, stopping before one a swap is due at, each steered into the lane's own
   * parse result and, when its queue is one of the lane's, received and run from it (in the batch's
   * slot when a sink reads the frames). Returns the records the batch holds. A failure is recorded,
   * not thrown (the replaying thread rethrows it when it collects the batch), and returns -1.
   */
  private int walk(int lane, InputRecords in, ReplayBatch b, int nextSwap) {
    Attachment att = attachment;
    int keep = keepOut;
    boolean emit = emitSlots;
    int n = 0;
    try {
      for (int size = batchSize; n < size && in.peek() && !swapDue(in, nextSwap); n++) {
        laneFrame(lane, in, emit ? b.slots[n] : null, att, keep);
        in.take();
      }
    } catch (Throwable t) {
      failure = t;
      return -1;
    }
    return n;
  }

  /**
   * Lane {@code lane}'s part of the record {@code in} holds: steered into the lane's parse result
   * and, when its queue is the lane's, received and run (in {@code slot} when a sink reads it, null
   * otherwise). A method of its own, called per frame, so the JIT compiles it after a few thousand
   * frames; {@link #walk}'s loop, entered once a batch, would reach the optimizing compiler only by
   * on-stack replacement, a few hundred milliseconds into a replay.
   */
  private void laneFrame(int lane, InputRecords in, PacketSlot slot, Attachment att, int keep) {
    CaptureCursor cur = in.cursor();
    byte[] heap = in.heapArray();
    PacketSlot mine = own[lane];
    byte[] src;
    int off;
    int len;
    if (heap != null && cur.linkType() == LinkType.EN10MB) {
      // The NIC only reads the frame: steered (and, unless a sink reads the slot, received)
      // straight from the capture held in memory.
      src = heap;
      off = in.heapBase() + cur.dataOffset();
      len = EthernetFramer.recordLength(cur);
    } else {
      mine.ensureIn(EthernetFramer.frameLength(cur));
      len = EthernetFramer.frame(cur, mine.in, 0);
      src = mine.in;
      off = 0;
    }
    io.xdpemu.nic.RxParse parse = laneParse[lane];
    int q = att.nic().steer(src, off, len, parse);
    if (laneOf[q] == lane) {
      PacketSlot s = mine;
      if (slot != null) {
        s = slot;
        s.ensureIn(len);
        System.arraycopy(src, off, s.in, 0, len);
        src = s.in;
        off = 0;
      }
      s.index = in.index();
      s.timestampNs = cur.timestampNs();
      s.inLength = len;
      s.queue = q;
      runners[q].process(s, parse, att, keep, src, off);
    }
  }

  /**
   * Lane {@code lane} (1..): for each pass, walks the captures with its own cursors and does its
   * part of every batch, as lane 0 cuts them, until the input ends.
   */
  private void workerLoop(int lane) {
    BatchSignal done = finished[lane - 1];
    InputRecords in = new InputRecords();
    long batch = 0;
    for (long pass = 1; passStarted.await(pass, stopped) && !shutdown; pass++) {
      in.start(passCaptures);
      long base = swapBase;
      int nextSwap = 0;
      while (in.peek()) {
        if (swapDue(in, nextSwap)) {
          if (!swapped.await(base + nextSwap + 1, stopped)) {
            return;
          }
          nextSwap++;
          continue;
        }
        batch++;
        if (!emitted.await(batch - IN_FLIGHT, stopped)) {
          return;
        }
        if (walk(lane, in, batches[(int) (batch % IN_FLIGHT)], nextSwap) < 0) {
          done.advanceTo(Long.MAX_VALUE); // lane 0 stops waiting for this lane and rethrows
          return;
        }
        done.advance();
      }
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
