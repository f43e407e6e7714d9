package io.xdpemu.nic.parse;

import io.xdpemu.nic.FirmwareEngine;
import io.xdpemu.nic.Nic;
import io.xdpemu.nic.NicConfig;
import io.xdpemu.nic.firmware.Firmware;
import java.util.List;

/**
 * Run in a child JVM by {@link GeneratedCodeCompilesAtEveryTierTest}: steers the synthetic frames
 * through the compiled form of every shipped firmware often enough for the JIT to compile the
 * generated methods, printing one line per firmware ("probe N firmware-name") first.
 */
public final class SteerCompileProbe {
  private SteerCompileProbe() {}

  /** Calls of the generated steer per firmware: well past C1's thresholds (200, 2000). */
  static final int CALLS = 20_000;

  public static void main(String[] args) throws Exception {
    List<byte[]> frames = SyntheticFrames.all();
    List<Firmware> fws = CompiledFirmwareEquivalenceTest.shippedFirmwares();
    System.out.println("probe " + fws.size() + " firmwares");
    long sink = 0;
    for (Firmware fw : fws) {
      try (Nic nic = Nic.create(fw, NicConfig.defaults(), FirmwareEngine.COMPILED)) {
        for (int i = 0; i < CALLS; i++) {
          byte[] f = frames.get(i % frames.size());
          sink += nic.steer(f, 0, f.length);
        }
      }
    }
    System.out.println("probe done " + sink);
  }
}
