package io.xdpemu.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * {@link ReplayBench#replay} timed two ways in one JVM, for a machine loaded by other sessions: the
 * wall clock (Mpps, what JMH reports; it counts the time the queue threads waited for a core) and
 * the CPU time of the whole process per packet (every queue thread's work, and the JVM's own, e.g.
 * GC; it does not count waiting, so it shows whether a change made the work smaller even when the
 * wall clock is noise). With several queues, wall Mpps × CPU ns per packet / 1000 is the number of
 * cores the replay kept busy. A companion to JMH for loaded machines: JMH's figure on a quiet
 * machine is the reference.
 *
 * <p>It uses only ReplayBench's public parameters and methods, so it can run against an older
 * benchmarks jar for a before/after comparison: {@code java -cp OLD.jar:DIR-WITH-THIS-CLASS
 * io.xdpemu.bench.ReplayCpuTime ...}.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.xdpemu.bench.ReplayCpuTime
 * plain,mynic-v2 1,2 5 1000} (NICs, queue counts, rounds, milliseconds per measurement; program
 * xdp_drop on the JIT and the compiled firmware, or -Dprogram=... -Dengine=...); from the
 * repository root.
 */
public final class ReplayCpuTime {
  private ReplayCpuTime() {}

  public static void main(String[] args) throws Exception {
    String[] nics = (args.length > 0 ? args[0] : "plain,mynic-v2").split(",");
    String[] queues = (args.length > 1 ? args[1] : "1,2").split(",");
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    long sliceNs = (args.length > 3 ? Long.parseLong(args[3]) : 1000) * 1_000_000L;
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    ReplayBench[] benches = new ReplayBench[nics.length * queues.length];
    for (int i = 0; i < benches.length; i++) {
      ReplayBench b = new ReplayBench();
      b.program = System.getProperty("program", "xdp_drop");
      b.engine = System.getProperty("engine", "jit");
      b.fwEngine = "compiled";
      b.nic = nics[i / queues.length];
      b.queues = Integer.parseInt(queues[i % queues.length]);
      b.setup();
      benches[i] = b;
    }
    for (int r = 0; r < rounds; r++) {
      StringBuilder line = new StringBuilder("round " + r + ":");
      for (ReplayBench b : benches) {
        long packets = 0;
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long end = t0 + sliceNs;
        long t;
        do {
          b.replay();
          packets += ReplayBench.PACKETS;
        } while ((t = System.nanoTime()) < end);
        double cpuNs = (os.getProcessCpuTime() - cpu0) / (double) packets;
        line.append(
            String.format(
                Locale.ROOT,
                "  %s/%dq %.2f Mpps %.1f cpu-ns",
                b.nic,
                b.queues,
                packets * 1e3 / (t - t0),
                cpuNs));
      }
      System.out.println(line);
    }
    for (ReplayBench b : benches) {
      b.tearDown();
    }
  }
}
