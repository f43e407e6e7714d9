package io.xdpemu.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link NicBench}'s two methods for the compiled firmware and the interpreter, interleaved in one
 * JVM, timed by the thread's CPU time instead of the wall clock: on a machine loaded by other
 * sessions the wall clock counts the time the thread waited for a core, the CPU time only the time
 * it ran (caches and the sibling hyperthread are still shared, so it stays an upper bound). A
 * companion to JMH for loaded machines, not a replacement: JMH's figure on a quiet machine is the
 * reference.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.xdpemu.bench.NicCpuTime mynic-v2 6
 * 1500} (firmwares separated by commas, rounds, milliseconds per measurement; each round times
 * receive, steer alone and baseline); from the repository root.
 */
public final class NicCpuTime {
  private NicCpuTime() {}

  public static void main(String[] args) {
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    long sliceNs = (args.length > 2 ? Long.parseLong(args[2]) : 1500) * 1_000_000L;
    for (String firmware : (args.length > 0 ? args[0] : "mynic-v2").split(",")) {
      run(firmware, rounds, sliceNs);
    }
  }

  private static void run(String firmware, int rounds, long sliceNs) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Blackhole bh =
        new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is"
                + " dangerous.");
    String[] engines = {"compiled", "interpreter"};
    NicBench[] benches = new NicBench[engines.length];
    for (int i = 0; i < engines.length; i++) {
      benches[i] = new NicBench();
      benches[i].firmware = firmware;
      benches[i].fwEngine = engines[i];
      benches[i].setup();
    }
    for (int r = 0; r < rounds; r++) {
      StringBuilder line = new StringBuilder(firmware + " round " + r + " (CPU ns/packet):");
      for (int i = 0; i < engines.length; i++) {
        for (String method : new String[] {"receive", "steer", "baseline"}) {
          long packets = 0;
          long cpu0 = mx.getCurrentThreadCpuTime();
          long end = System.nanoTime() + sliceNs;
          while (System.nanoTime() < end) {
            switch (method) {
              case "receive" -> benches[i].receive(bh);
              case "steer" -> benches[i].steer(bh);
              default -> benches[i].baseline(bh);
            }
            packets += NicBench.PACKETS;
          }
          double ns = (mx.getCurrentThreadCpuTime() - cpu0) / (double) packets;
          line.append(String.format(" %s.%s=%.1f", engines[i], method, ns));
        }
      }
      System.out.println(line);
    }
    for (NicBench b : benches) {
      b.tearDown();
    }
  }
}
