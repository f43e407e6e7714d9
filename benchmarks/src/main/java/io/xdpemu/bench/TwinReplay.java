package io.xdpemu.bench;

import java.util.Locale;
import java.util.concurrent.CyclicBarrier;

/**
 * Whether this machine's cores scale at all for replays: N threads, each with its own one-queue
 * {@link ReplayBench} (its own NIC, program, contexts and capture cursors: nothing shared but the
 * read-only capture and the code), timed alone and side by side in alternate rounds. On a machine
 * whose cores are really free, N side by side give about N times one alone; a multi-queue replay
 * ({@code ReplayBench -p queues=N}) can then be judged against that figure rather than against the
 * machine. Wave 7 found the cores scaling (two replays 21-28 Mpps together, 12-14 alone) while the
 * multi-queue replay of the time did not (benchmarks/RESULTS.md).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.xdpemu.bench.TwinReplay plain 2 8
 * 1000} (NIC, threads, rounds, milliseconds per round), from the repository root, with nothing else
 * running.
 */
public final class TwinReplay {
  private TwinReplay() {}

  public static void main(String[] args) throws Exception {
    String nic = args.length > 0 ? args[0] : "plain";
    int threads = Integer.parseInt(args.length > 1 ? args[1] : "2");
    int rounds = Integer.parseInt(args.length > 2 ? args[2] : "6");
    long sliceNs = Long.parseLong(args.length > 3 ? args[3] : "1000") * 1_000_000L;
    ReplayBench[] benches = new ReplayBench[threads];
    for (int i = 0; i < threads; i++) {
      ReplayBench b = new ReplayBench();
      b.program = "xdp_drop";
      b.engine = "jit";
      b.fwEngine = "compiled";
      b.nic = nic;
      b.queues = 1;
      b.setup();
      benches[i] = b;
    }
    for (int r = 0; r < rounds; r++) {
      int active = r % 2 == 0 ? 1 : threads; // alone, then side by side
      double[] mpps = new double[active];
      CyclicBarrier go = new CyclicBarrier(active);
      Thread[] running = new Thread[active];
      for (int i = 0; i < active; i++) {
        int k = i;
        running[i] =
            new Thread(
                () -> {
                  try {
                    go.await();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                  long packets = 0;
                  long t0 = System.nanoTime();
                  long end = t0 + sliceNs;
                  long t;
                  do {
                    benches[k].replay();
                    packets += ReplayBench.PACKETS;
                  } while ((t = System.nanoTime()) < end);
                  mpps[k] = packets * 1e3 / (t - t0);
                });
        running[i].start();
      }
      double total = 0;
      StringBuilder line =
          new StringBuilder(String.format(Locale.ROOT, "round %d, %d:", r, active));
      for (int i = 0; i < active; i++) {
        running[i].join();
        line.append(String.format(Locale.ROOT, " %.2f", mpps[i]));
        total += mpps[i];
      }
      System.out.println(line.append(String.format(Locale.ROOT, "  total %.2f Mpps", total)));
    }
    for (ReplayBench b : benches) {
      b.tearDown();
    }
  }
}
