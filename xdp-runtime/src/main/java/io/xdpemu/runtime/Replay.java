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
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;

/**
 * Replays captures through the NIC and the attached program. Each RX queue has its own thread and
 * execution context (per-CPU map slot = queue). Work proceeds in batches:
 *
 * <pre>
 *   reader (this thread)        queue threads                     output (this thread)
 *   read B frames, steer ──►  each runs its frames in order  ──►  slots in input order:
 *   each to an RX queue        (barrier)                          stats, pcaps, trace
 * </pre>
 *
 * So the outputs are in input packet order whatever the scheduling; with per-queue input order
 * fixed, a queue's program runs see the same sequence every time, which makes the whole replay
 * reproducible as long as queues do not race on shared map entries (per-CPU maps, atomic adds
 * and read-only maps never do). A program that races (two queues inserting the same hash key with
 * BPF_NOEXIST, a non-atomic read-modify-write of a shared value) loses updates depending on timing,
 * exactly as it would in the kernel. {@code serial} mode removes that freedom: every packet runs
 * in input order, on the reader thread, still with its own queue's execution context (CPU id,
 * per-CPU map slot, prandom state), so the result is byte-identical for any program. Firmware
 * swaps happen at batch boundaries cut at the requested packet index, while every queue is idle.
 */
public final class Replay implements AutoCloseable {
  /** Receives finished packets in input order. */
  interface Sink {
    void accept(PacketSlot slot);

    /** After each batch, with every queue idle (user space polls ring and perf buffers here). */
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

  private final PacketSlot[] slots;
  private final int[][] perQueue;
  private final int[] perQueueCount;
  private int filled;

  private final CyclicBarrier start;
  private final CyclicBarrier end;
  private final Thread[] threads;
  private boolean started;
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
    this.attachment = attachment;
    this.serial = serial;
    this.eventMaps = maps != null && maps.all().stream().anyMatch(
        m -> m.type() == MapType.RINGBUF || m.type() == MapType.PERF_EVENT_ARRAY) ? maps : null;
    this.queues = attachment.nic().queues();
    this.batchSize = batchSize;
    this.swaps = new ArrayList<>(swaps);
    this.swaps.sort((a, b) -> Long.compare(a.atIndex(), b.atIndex()));
    this.stats = new ReplayStats(queues);
    this.runners = new QueueRunner[queues];
    for (int q = 0; q < queues; q++) {
      runners[q] = new QueueRunner(q, contexts.apply(q), maps, keepMeta);
    }
    this.slots = new PacketSlot[batchSize];
    for (int i = 0; i < batchSize; i++) {
      slots[i] = new PacketSlot();
    }
    this.perQueue = new int[queues][batchSize];
    this.perQueueCount = new int[queues];
    if (queues > 1 && !serial) {
      start = new CyclicBarrier(queues + 1);
      end = new CyclicBarrier(queues + 1);
      threads = new Thread[queues];
      for (int q = 0; q < queues; q++) {
        int queue = q;
        threads[q] = new Thread(() -> workerLoop(queue), "xdpemu-rxq-" + q);
        threads[q].setDaemon(true);
      }
    } else {
      start = null;
      end = null;
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
    if (!started) {
      started = true;
      for (Thread t : threads) {
        t.start();
      }
    }
    long t0 = System.nanoTime();
    long index = 0;
    int nextSwap = 0;
    try {
      for (Capture cap : captures) {
        CaptureCursor cur = cap.cursor();
        while (cur.next()) {
          while (nextSwap < swaps.size() && swaps.get(nextSwap).atIndex() <= index) {
            flush(sink);
            swap(swaps.get(nextSwap++), index);
          }
          PacketSlot s = slots[filled];
          int len = EthernetFramer.frameLength(cur);
          s.ensureIn(len);
          EthernetFramer.frame(cur, s.in, 0);
          s.inLength = len;
          s.index = index++;
          s.timestampNs = cur.timestampNs();
          int q = attachment.nic().steer(s.in, len);
          s.queue = q;
          perQueue[q][perQueueCount[q]++] = filled;
          filled++;
          if (filled == batchSize) {
            flush(sink);
            if (progress != null) {
              progress.accept(index);
            }
          }
        }
      }
      flush(sink);
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
      if (next.nic().queues() != queues) {
        stats.swaps.add(new ReplayStats.Swap(index, sw.file(), false,
            "firmware has " + next.nic().queues() + " queues, the replay runs " + queues));
        return;
      }
      attachment = next;
      stats.swaps.add(new ReplayStats.Swap(index, sw.file(), true, null));
    } catch (XdpemuException e) {
      stats.swaps.add(new ReplayStats.Swap(index, sw.file(), false, e.getMessage()));
    }
  }

  /** Runs the filled part of the batch on the queues and emits it in input order. */
  private void flush(Sink sink) {
    if (filled == 0) {
      return;
    }
    if (queues == 1 || serial) {
      Attachment att = attachment;
      for (int i = 0; i < filled; i++) {
        runners[slots[i].queue].process(slots[i], att);
        if (eventMaps != null) {
          // A consumer that keeps up: what this run wrote to ring/perf buffers belongs to it.
          java.util.List<MapEvents.Event> ev = MapEvents.drain(eventMaps);
          slots[i].events = ev.isEmpty() ? null : ev;
        }
      }
    } else {
      await(start);
      await(end);
      if (failure != null) {
        throw rethrow(failure);
      }
    }
    for (int i = 0; i < filled; i++) {
      PacketSlot s = slots[i];
      stats.count(s);
      sink.accept(s);
    }
    sink.endOfBatch();
    filled = 0;
    java.util.Arrays.fill(perQueueCount, 0);
  }

  private void runQueue(int q) {
    QueueRunner r = runners[q];
    int[] mine = perQueue[q];
    Attachment att = attachment;
    for (int i = 0, n = perQueueCount[q]; i < n; i++) {
      r.process(slots[mine[i]], att);
    }
  }

  private void workerLoop(int q) {
    while (true) {
      try {
        start.await();
      } catch (InterruptedException | BrokenBarrierException e) {
        return;
      }
      if (shutdown) {
        return;
      }
      try {
        runQueue(q);
      } catch (Throwable t) {
        failure = t;
      }
      try {
        end.await();
      } catch (InterruptedException | BrokenBarrierException e) {
        return;
      }
    }
  }

  private void stopWorkers() {
    shutdown = true;
    if (threads.length == 0) {
      return;
    }
    start.reset();
    for (Thread t : threads) {
      t.interrupt();
    }
  }

  private static void await(CyclicBarrier b) {
    try {
      b.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("replay interrupted", e);
    } catch (BrokenBarrierException e) {
      throw new IllegalStateException("replay worker failed", e);
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
