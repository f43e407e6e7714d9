package io.xdpemu.runtime;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.XdpBuff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * One packet through a loaded program the way {@code BPF_PROG_TEST_RUN} runs it
 * (net/bpf/test_run.c, bpf_prog_test_run_xdp):
 *
 * <pre>
 *  0                 256 - meta   256                256 + len          4096 - 320
 *  | headroom          | metadata  | packet (data_in) |    tailroom      | skb_shared_info |
 *  hard_start          data_meta   data               data_end           hard end
 * </pre>
 *
 * ingress_ifindex is the loopback device (1), rx_queue_index 0, the program runs on CPU 0. With
 * {@code repeat} > 1 the program runs again on the same xdp_buff, keeping what earlier runs did to
 * the frame and the maps, exactly as the kernel's bpf_test_run loop does. The frame after the run
 * is {@code data_meta..data_end} (what the kernel copies to data_out). The duration is measured
 * over the repeats after warming up a throw-away copy of the program (its own maps), so warm-up
 * leaves no trace in the map state.
 */
public final class TestRun {
  private TestRun() {}

  public static final int HEADROOM = XdpBuff.XDP_PACKET_HEADROOM;
  public static final int TAILROOM = XdpBuff.SKB_SHARED_INFO_SIZE;
  public static final int FRAME = XdpBuff.PAGE_SIZE;

  /** Metadata limit measured on Linux 6.18: headroom minus struct xdp_frame (40 bytes). */
  public static final int MAX_META = HEADROOM - XdpBuff.XDP_FRAME_SIZE;

  /** The run's outcome: r0 (low 32 bits), average ns per run, and meta + packet after it. */
  public record Result(long retval, long durationNs, byte[] metaOut, byte[] dataOut) {}

  /**
   * Runs {@code repeat} times, timed, after warming up on each of {@code warmups} in turn
   * (throw-away copies, {@link #warmUpCopies} of them).
   */
  public static Result run(
      LoadPipeline.Loaded loaded,
      byte[] meta,
      byte[] data,
      int repeat,
      List<LoadPipeline.Loaded> warmups) {
    check(meta, data);
    for (LoadPipeline.Loaded w : warmups) {
      warmUp(new Session(w), meta, data, repeat);
    }
    return new Session(loaded).run(meta, data, repeat);
  }

  /**
   * Throw-away copies to warm up on: one, and from {@value #WARMUP_TIMED_FROM} repeats two. On the
   * second, fresh copy the code compiled during the first meets what only a fresh copy's first runs
   * do (a map lookup that misses and the update that follows, a map chunk installed): C2 compiled
   * those branches as never taken, so they deoptimise it there, and it is compiled again with them
   * before the clock starts. With one copy that happened in the first timed runs, and the
   * measurement included milliseconds of interpreted and C1 code (xdp_lpm, xdp_counter, xdp_lru).
   */
  public static int warmUpCopies(int repeat) {
    return repeat >= WARMUP_TIMED_FROM ? 2 : 1;
  }

  /** The timing rule as {@code test-run --help} states it. */
  public static final String WARM_UP_RULE =
      "The duration is the average over the N runs, timed after the program is compiled and"
          + " warmed up on a throw-away copy (its own maps) for max(1000, min(N, 20000)) runs,"
          + " and from N >= 100000 also for at least 0.4 s and until the JVM's JIT compiler has"
          + " been idle (nothing compiling or queued) for 0.1 s, at most 10 s in all, then the same"
          + " on a second fresh copy (its first runs, as the measured copy's, miss in empty maps);"
          + " result and packet are consumed on"
          + " every run so the JVM cannot skip any; the clock is the measuring thread's CPU time,"
          + " so time the thread spends scheduled out is not counted (as the kernel's test run"
          + " stops its timer around cond_resched)";

  /** Warm-up runs at least this many repeats before measuring. */
  static final int WARMUP_MIN_RUNS = 1000;

  /** Repeats from which the measurement is long enough to be worth a time-based warm-up. */
  static final int WARMUP_TIMED_FROM = 100_000;

  /** How long a long measurement warms up at least. */
  static final long WARMUP_NANOS = 400_000_000L;

  /** How long the JIT compiler must have compiled nothing before a long measurement starts. */
  static final long COMPILER_QUIET_NANOS = 100_000_000L;

  /** Longest warm-up: a compiler that never goes quiet (a busy machine) does not hold us up. */
  static final long WARMUP_MAX_NANOS = 10_000_000_000L;

  /**
   * Runs the throw-away copy until the JVM has compiled the hot path: at least max(1000,
   * min(repeat, 20000)) repeats, and for measurements of {@value #WARMUP_TIMED_FROM} repeats or
   * more also at least {@value #WARMUP_NANOS} ns and until the JIT compilers have been idle
   * (nothing compiling, nothing queued) for {@value #COMPILER_QUIET_NANOS} ns ({@link
   * CompilerActivity}), but never longer than {@value #WARMUP_MAX_NANOS} ns. Counting runs alone,
   * or time alone, measured tier-3 (profiling C1) code whenever C2 was still busy with what
   * start-up queued (the JDK's lambda spinning, loading, verifying): on 2 cores, `--repeat 1000000`
   * of a 3-insn program read 2 ns in one JVM and 39 ns in the next. The warm-up goes through {@link
   * Session#run} in chunks, the same loop the measurement then runs, so that loop is compiled too.
   */
  private static void warmUp(Session w, byte[] meta, byte[] data, int repeat) {
    int minRuns = Math.max(WARMUP_MIN_RUNS, Math.min(repeat, 20_000));
    boolean timed = repeat >= WARMUP_TIMED_FROM;
    int chunk = Math.min(minRuns, 10_000);
    long t0 = System.nanoTime();
    long runs = 0;
    // Only a long measurement reads the compiler: starting the platform MBean server takes time
    // that a short test-run (the default --repeat 1) should not pay.
    CompilerActivity compiler = timed ? new CompilerActivity() : null;
    while (true) {
      w.run(meta, data, chunk);
      runs += chunk;
      if (runs < minRuns) {
        continue;
      }
      if (!timed) {
        return;
      }
      long now = System.nanoTime();
      boolean quiet = compiler.quietFor(now) >= COMPILER_QUIET_NANOS;
      if ((now - t0 >= WARMUP_NANOS && quiet) || now - t0 >= WARMUP_MAX_NANOS) {
        return;
      }
    }
  }

  /** Refuses what BPF_PROG_TEST_RUN refuses with -EINVAL, with a message saying why. */
  public static void check(byte[] meta, byte[] data) {
    if (data.length < 14) {
      throw new UsageException(
          "data_in is "
              + data.length
              + " bytes; an XDP test run needs at least an Ethernet header (14 bytes, kernel -EINVAL)");
    }
    if (meta.length % 4 != 0 || meta.length > MAX_META) {
      throw new UsageException(
          "meta_in is "
              + meta.length
              + " bytes; metadata must be a multiple"
              + " of 4 and at most "
              + MAX_META
              + " bytes (kernel -EINVAL)");
    }
    if (data.length > MAX_DATA) {
      throw new UsageException(
          "data_in is "
              + data.length
              + " bytes; at most "
              + MAX_DATA
              + " fit one page (multi-buffer test runs are not supported)");
    }
  }

  /** Largest linear frame: one page minus headroom and skb_shared_info. */
  public static final int MAX_DATA = XdpBuff.MAX_LINEAR_DATA;

  /**
   * Successive test runs of one loaded program on CPU 0: maps persist from run to run, as they do
   * for a program loaded once in the kernel and run with BPF_PROG_TEST_RUN many times.
   */
  public static final class Session {
    private final ExecutionContext ctx;
    private final XdpRunner runner;

    public Session(LoadPipeline.Loaded loaded) {
      this.ctx = loaded.newContext(0);
      this.runner = loaded.runner();
    }

    /** See {@link io.xdpemu.ebpf.vm.KernelMemory#hostDependentReads()}: for all runs so far. */
    public long hostDependentReads() {
      return ctx.kernel.hostDependentReads();
    }

    public Result run(byte[] meta, byte[] data, int repeat) {
      check(meta, data);
      FrameSetup.testRun(ctx, meta, data);
      XdpBuff x = ctx.xdp();
      long r = 0;
      long t0 = RunClock.now();
      for (int i = 0; i < repeat; i++) {
        r = runOnce(ctx, runner);
        // Consume the result and the packet (its first byte, wherever data now is), so that C2
        // can neither drop a run whose result is unused nor hoist a constant one out of the loop.
        SINK.consume(r, x.frame[x.data]);
      }
      long elapsed = RunClock.now() - t0;
      return new Result(
          r & 0xffffffffL,
          elapsed / Math.max(repeat, 1),
          Arrays.copyOfRange(x.frame, x.meta, x.data),
          Arrays.copyOfRange(x.frame, x.data, x.end));
    }
  }

  private static final Blackhole SINK = new Blackhole();

  private static long runOnce(ExecutionContext ctx, XdpRunner runner) {
    ctx.resetRun();
    // A trap (TrapException) ends the command with one line naming the pc: the kernel's verifier
    // would have refused such a program, so there is no kernel result to imitate.
    return runner.run(ctx);
  }

  /**
   * Possible CPUs of this host (/sys/devices/system/cpu/possible), as the kernel sizes per-CPU
   * maps.
   */
  public static int possibleCpus() {
    try {
      String s = Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim();
      int n = 0;
      for (String part : s.split(",")) {
        String[] r = part.split("-");
        n += r.length == 1 ? 1 : Integer.parseInt(r[1]) - Integer.parseInt(r[0]) + 1;
      }
      return Math.max(n, 1);
    } catch (IOException | RuntimeException e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }
}
