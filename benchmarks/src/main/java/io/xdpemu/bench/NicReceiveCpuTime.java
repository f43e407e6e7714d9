package io.xdpemu.bench;

import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.nic.FirmwareEngine;
import io.xdpemu.nic.Nic;
import io.xdpemu.nic.RxParse;
import io.xdpemu.nic.RxQueue;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The queue stage of {@link NicBench} alone ({@code RxQueue.receive}: frame copy, headroom
 * bookkeeping, descriptor, metadata, xdp_buff), by thread CPU time: every frame of {@code mixed-1k}
 * is steered once beforehand, each into its own {@link RxParse}, so only receive is timed. Same NIC
 * set-up as {@link NicBench} (plain: 4 queues; a firmware file: its own queue count), a context per
 * queue ({@link NicBench#contexts}). A loaded-machine companion to {@link NicCpuTime}.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.xdpemu.bench.NicReceiveCpuTime plain
 * 5 600} (firmware, rounds, milliseconds per round); from the repository root.
 */
public final class NicReceiveCpuTime {
  private NicReceiveCpuTime() {}

  public static void main(String[] args) {
    String firmware = args.length > 0 ? args[0] : "plain";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    long sliceNs = (args.length > 2 ? Long.parseLong(args[2]) : 600) * 1_000_000L;
    byte[][] frames =
        BenchInputs.exactly(
            BenchInputs.frames(BenchInputs.capture("mixed-1k")), NicBench.PACKETS, "mixed-1k.pcap");
    Nic nic = NicBench.nic(firmware, FirmwareEngine.COMPILED);
    ExecutionContext[] contexts = NicBench.contexts(nic);
    RxParse[] parses = new RxParse[frames.length];
    RxQueue[] queues = new RxQueue[frames.length];
    ExecutionContext[] ctxs = new ExecutionContext[frames.length];
    for (int i = 0; i < frames.length; i++) {
      parses[i] = new RxParse();
      int q = nic.steer(frames[i], 0, frames[i].length, parses[i]);
      queues[i] = nic.queue(q);
      ctxs[i] = contexts[q];
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long timestampNs = 1_767_225_600_000_000_000L;
    long sink = 0;
    for (int r = 0; r < rounds; r++) {
      long packets = 0;
      long cpu0 = mx.getCurrentThreadCpuTime();
      long end = System.nanoTime() + sliceNs;
      while (System.nanoTime() < end) {
        for (int i = 0; i < frames.length; i++) {
          byte[] f = frames[i];
          ExecutionContext ctx = ctxs[i];
          queues[i].receive(f, 0, f.length, timestampNs, parses[i], ctx);
          sink += ctx.xdp().meta;
        }
        packets += frames.length;
      }
      double ns = (mx.getCurrentThreadCpuTime() - cpu0) / (double) packets;
      System.out.printf("%s round %d receive only (CPU ns/packet): %.1f%n", firmware, r, ns);
    }
    nic.close();
    System.out.println(sink == 42 ? "" : "(sink " + (sink & 1) + ")");
  }
}
