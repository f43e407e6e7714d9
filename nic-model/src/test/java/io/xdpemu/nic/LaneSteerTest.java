package io.xdpemu.nic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.parse.TestPcap;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A replay lane steers every frame but runs only its own queues' ({@link RxParse#onlyFor}): for the
 * other frames the compiled steer stops once the queue is known. On every frame of the bundled
 * captures, with every shipped firmware and both engines, and the queues dealt to 2 and 3 lanes:
 * the queue is the one a whole steer gives; a frame of the lane's queues is steered whole, with the
 * very result a whole steer gives (every field, and the VLAN tag to strip); any other is left not
 * steered.
 */
class LaneSteerTest {
  @Test
  void aLaneGetsEveryQueueAndTheWholeResultOfItsOwnFrames() throws Exception {
    List<byte[]> frames = new ArrayList<>();
    for (String pcap : new String[] {"mixed-1k.pcap", "tunnels-200.pcap"}) {
      for (TestPcap.Frame f : TestPcap.read(TestFiles.root().resolve("pcaps").resolve(pcap))) {
        frames.add(f.data());
      }
    }
    List<Firmware> firmwares = new ArrayList<>(List.of(PlainFirmware.get()));
    for (String name : new String[] {"mynic-kernel.json", "mynic-v1.json", "mynic-v2.json"}) {
      firmwares.add(TestFiles.firmware(name));
    }
    int stoppedEarly = 0;
    for (Firmware fw : firmwares) {
      for (FirmwareEngine engine : FirmwareEngine.values()) {
        try (Nic nic = Nic.create(fw, NicConfig.defaults().withQueues(4), engine)) {
          for (int lanes = 2; lanes <= 3; lanes++) {
            for (int lane = 0; lane < lanes; lane++) {
              boolean[] mine = new boolean[4];
              for (int q = 0; q < 4; q++) {
                mine[q] = q % lanes == lane;
              }
              RxParse whole = new RxParse();
              RxParse part = new RxParse();
              part.onlyFor(mine);
              for (byte[] f : frames) {
                int q = nic.steer(f, 0, f.length, whole);
                assertEquals(q, nic.steer(f, 0, f.length, part), fw + " " + engine);
                assertEquals(mine[q], part.steered, fw + " queue " + q);
                if (part.steered) {
                  assertEquals(
                      FirmwareEquivalence.describe(whole.result()),
                      FirmwareEquivalence.describe(part.result()));
                  assertEquals(whole.stripOffset, part.stripOffset);
                } else if (!FirmwareEquivalence.describe(whole.result())
                    .equals(FirmwareEquivalence.describe(part.result()))) {
                  stoppedEarly++;
                }
              }
            }
          }
        }
      }
    }
    assertTrue(stoppedEarly > 1000, "the compiled steer stopped early " + stoppedEarly + " times");
  }
}
