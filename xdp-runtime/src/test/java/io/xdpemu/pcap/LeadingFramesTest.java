package io.xdpemu.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Capture#leadingFrames}: the first frames of a capture, whatever follows them. */
class LeadingFramesTest {
  @TempDir Path tmp;

  private static final Path MIXED = Path.of("..", "pcaps", "mixed-1k.pcap");

  @Test
  void theFirstFramesAreTheCapturesFirstFrames() {
    List<byte[]> lead = Capture.leadingFrames(MIXED, 300);
    assertEquals(300, lead.size());
    CaptureCursor c = Capture.open(MIXED).cursor();
    byte[] frame = new byte[CaptureCursor.MAX_RECORD + 64];
    for (byte[] f : lead) {
      assertTrue(c.next());
      int len = EthernetFramer.frame(c, frame, 0);
      assertArrayEquals(Arrays.copyOf(frame, len), f);
    }
    assertEquals(1000, Capture.leadingFrames(MIXED, 5000).size());
  }

  @Test
  void aDamagedCaptureGivesTheFramesBeforeTheDamage() throws Exception {
    byte[] whole = Files.readAllBytes(MIXED);
    int cut = 24 + 5 * 16; // inside the sixth record at the latest
    Path broken = tmp.resolve("cut.pcap");
    Files.write(broken, Arrays.copyOf(whole, cut + 700));
    List<byte[]> lead = Capture.leadingFrames(broken, 100);
    assertTrue(lead.size() >= 1 && lead.size() < 100, "frames: " + lead.size());
    assertEquals(0, Capture.leadingFrames(tmp.resolve("missing.pcap"), 10).size());
    Path garbage = tmp.resolve("garbage.pcap");
    Files.write(garbage, new byte[] {1, 2, 3});
    assertEquals(0, Capture.leadingFrames(garbage, 10).size());
  }
}
