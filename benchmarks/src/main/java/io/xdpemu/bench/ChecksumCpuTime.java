package io.xdpemu.bench;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.FirmwareLoader;
import io.xdpemu.nic.parse.Classifier;
import io.xdpemu.nic.parse.PacketParser;
import io.xdpemu.nic.parse.ParseResult;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The checksum verdicts alone ({@link Classifier#checksumStatus}, the fixed-function part the
 * compiled firmware shares with the interpreter), per packet of {@code pcaps/mixed-1k.pcap}, by the
 * thread's CPU time like {@link NicCpuTime}: each frame is parsed and classified once, then only
 * the verdicts are timed, so a change to them shows without the rest of the NIC's noise.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.xdpemu.bench.ChecksumCpuTime mynic-v2
 * 6 1000} (firmware with checksum verdicts, rounds, milliseconds per round); from the repository
 * root.
 */
public final class ChecksumCpuTime {
  private ChecksumCpuTime() {}

  public static void main(String[] args) {
    String name = args.length > 0 ? args[0] : "mynic-v2";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    long sliceNs = (args.length > 2 ? Long.parseLong(args[2]) : 1000) * 1_000_000L;
    byte[][] frames = BenchInputs.frames(BenchInputs.capture("mixed-1k"));
    Firmware fw = FirmwareLoader.load(BenchInputs.firmware(name));
    PacketParser parser = new PacketParser(fw);
    Classifier classifier = new Classifier(fw);
    byte[] scratch = new byte[Math.max(1, classifier.scratchBytes())];
    ParseResult[] results = new ParseResult[frames.length];
    for (int i = 0; i < frames.length; i++) {
      results[i] = parser.newResult();
      parser.parse(frames[i], 0, frames[i].length, results[i]);
      classifier.classify(frames[i], 0, results[i], scratch);
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (int r = 0; r < rounds; r++) {
      long packets = 0;
      long cpu0 = mx.getCurrentThreadCpuTime();
      long end = System.nanoTime() + sliceNs;
      while (System.nanoTime() < end) {
        for (int i = 0; i < frames.length; i++) {
          sink += classifier.checksumStatus(frames[i], 0, results[i]);
        }
        packets += frames.length;
      }
      double ns = (mx.getCurrentThreadCpuTime() - cpu0) / (double) packets;
      System.out.printf("%s round %d: checksum verdicts %.1f CPU ns/packet%n", name, r, ns);
    }
    System.out.println("(sum of verdicts, so nothing is optimised away: " + sink + ")");
  }
}
