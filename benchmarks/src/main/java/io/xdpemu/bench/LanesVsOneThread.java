package io.xdpemu.bench;

import io.xdpemu.pcap.Capture;
import io.xdpemu.pcap.PcapWriter;
import io.xdpemu.runtime.Attach;
import io.xdpemu.runtime.LoadOptions;
import io.xdpemu.runtime.Replay;
import io.xdpemu.runtime.gen.TrafficGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Collections;
import java.util.List;

/**
 * Two lanes against one thread for the same four queues, on generated mixed captures of growing
 * size held in memory (so the capture's size, not the file, is what changes): which captures a
 * replay should run on lanes ({@code ReplayRun.LANES_MAX_CAPTURE_BYTES}). Each size is replayed ~2M
 * packets per measurement, lanes and one thread in turn; the first round (compilation) is not
 * printed.
 *
 * <p>Run: {@code java -Xmx6g -cp benchmarks/target/benchmarks.jar io.xdpemu.bench.LanesVsOneThread
 * 1000 16000 64000 256000 1000000} (frames per capture; wall-clock Mpps, so on a quiet machine).
 */
public final class LanesVsOneThread {
  private LanesVsOneThread() {}

  public static void main(String[] args) throws IOException {
    LoadOptions o =
        BenchInputs.loadOptions("xdp_drop", "jit")
            .withFirmware(BenchInputs.firmware(BenchInputs.HINTS_FIRMWARE));
    Attach attach = Attach.create(o, 4);
    Replay lanes = Replay.inMemory(attach, false);
    Replay one = Replay.inMemory(attach, true);
    try {
      for (String a : args) {
        int frames = Integer.parseInt(a);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(bytes)) {
          new TrafficGenerator("mixed", 1).write(w, frames);
        }
        byte[] b = bytes.toByteArray();
        List<Capture> caps =
            Collections.nCopies(Math.max(1, 2_000_000 / frames), Capture.of("generated", b));
        long packets = (long) frames * caps.size();
        StringBuilder line =
            new StringBuilder(String.format("%8d frames %7.1f MB, Mpps:", frames, b.length / 1e6));
        for (int round = 0; round < 4; round++) {
          for (Replay r : new Replay[] {lanes, one}) {
            long t0 = System.nanoTime();
            r.replay(caps);
            double mpps = packets * 1000.0 / (System.nanoTime() - t0);
            if (round > 0) {
              line.append(String.format(" %s %.2f", r == lanes ? "lanes" : "one", mpps));
            }
          }
        }
        System.out.println(line);
      }
    } finally {
      lanes.close();
      one.close();
      attach.attachment().nic().close();
    }
  }
}
