package io.xdpemu.bench;

import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.nic.Nic;
import io.xdpemu.runtime.Attach;
import io.xdpemu.runtime.FrameSetup;
import io.xdpemu.runtime.XdpRunner;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * JIT against interpreter on a machine where wall-clock JMH numbers mostly measure the scheduler:
 * per example program, the same work as {@link ProgramBench} (the 1000 frames of mixed-1k.pcap
 * delivered by the plain NIC, then the program) in thread CPU time, best of 12 rounds after
 * warm-up, minus the same loop without the program run; and {@link InterpreterBench}'s programs per
 * engine. The JMH form of the same measurements is {@code ProgramBench -p engine=interp,jit} and
 * {@code InterpreterBench -p engine=interp,jit}.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.xdpemu.bench.JitBench [program...]}.
 */
public final class JitBench {
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
  private static final int ROUNDS = 16, WARMUP_ROUNDS = 4, PASSES = 20;
  private static long sink;

  private JitBench() {}

  public static void main(String[] args) {
    String[] programs =
        args.length > 0
            ? args
            : new String[] {
              "xdp_pass",
              "xdp_drop",
              "xdp_counter",
              "xdp_bounce",
              "xdp_calls",
              "xdp_meta",
              "xdp_alu"
            };
    for (String engine : new String[] {"interp", "jit"}) {
      InterpreterBench.main(new String[] {engine});
    }
    byte[][] frames =
        BenchInputs.exactly(
            BenchInputs.frames(BenchInputs.capture("mixed-1k")),
            ProgramBench.PACKETS,
            "mixed-1k.pcap");
    for (String program : programs) {
      double[] ns = new double[2];
      String[] engines = {"interp", "jit"};
      for (int e = 0; e < 2; e++) {
        Attach attach = BenchInputs.attach(program, engines[e], 1);
        ns[e] =
            perPacket(
                attach.nic(), attach.loaded().newContext(0), attach.attachment().program(), frames);
      }
      System.out.printf(
          "%-12s interp %7.1f ns/packet   jit %7.1f ns/packet   (x%.1f)%n",
          program, ns[0], ns[1], ns[0] / ns[1]);
    }
    System.out.println("(checksum " + sink + ")");
  }

  private static double perPacket(
      Nic nic, ExecutionContext ctx, XdpRunner runner, byte[][] frames) {
    double best = Double.MAX_VALUE;
    for (int round = 0; round < ROUNDS; round++) {
      long t0 = MX.getCurrentThreadCpuTime();
      for (int pass = 0; pass < PASSES; pass++) {
        for (byte[] f : frames) {
          deliver(nic, ctx, f);
          sink += runner.run(ctx);
        }
      }
      long t1 = MX.getCurrentThreadCpuTime();
      for (int pass = 0; pass < PASSES; pass++) {
        for (byte[] f : frames) {
          deliver(nic, ctx, f);
          sink += ctx.xdp().end;
        }
      }
      long t2 = MX.getCurrentThreadCpuTime();
      if (round >= WARMUP_ROUNDS) {
        best = Math.min(best, ((t1 - t0) - (t2 - t1)) / (double) (PASSES * frames.length));
      }
    }
    return best;
  }

  /** ProgramBench.deliver: QueueRunner.process minus the run. */
  private static void deliver(Nic nic, ExecutionContext ctx, byte[] f) {
    long timestampNs = 1_767_225_600_000_000_000L;
    FrameSetup.rx(ctx, nic.queue(0), f, timestampNs);
  }
}
