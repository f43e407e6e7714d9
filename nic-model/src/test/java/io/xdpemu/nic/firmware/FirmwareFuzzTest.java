package io.xdpemu.nic.firmware;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.MalformedInputException;
import io.xdpemu.nic.TestFiles;
import java.nio.file.Files;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Damaged firmware files are refused with a positioned message, never a JVM exception. */
class FirmwareFuzzTest {
  private static final String[] TOKENS = {
    "0",
    "-1",
    "99999999999",
    "\"\"",
    "\"x\"",
    "[]",
    "{}",
    "null",
    "true",
    "\"accept\"",
    "\"0xzz\"",
    "[0, 200]",
    "\"*\"",
    "\"@ethernet\"",
    "\"@nope\"",
    "1.5"
  };

  @Test
  void mutatedFirmwareIsLoadedOrRefusedWithAPosition() throws Exception {
    String text = Files.readString(TestFiles.firmwarePath("mynic-v2.json"));
    Random rnd = new Random(1234);
    int refused = 0;
    for (int i = 0; i < 600; i++) {
      StringBuilder sb = new StringBuilder(text);
      for (int k = 0; k < 1 + rnd.nextInt(3); k++) {
        int at = rnd.nextInt(sb.length());
        switch (rnd.nextInt(3)) {
          case 0:
            sb.deleteCharAt(at);
            break;
          case 1:
            sb.setCharAt(at, (char) (' ' + rnd.nextInt(95)));
            break;
          default:
            // replace the value after a ':' with another token
            int colon = sb.indexOf(":", at);
            if (colon > 0) {
              int end = colon + 1;
              while (end < sb.length() && ",}\n".indexOf(sb.charAt(end)) < 0) {
                end++;
              }
              sb.replace(colon + 1, end, " " + TOKENS[rnd.nextInt(TOKENS.length)]);
            }
        }
      }
      try {
        FirmwareLoader.parse(sb.toString(), "fuzz.json");
      } catch (MalformedInputException e) {
        refused++;
        assertTrue(
            e.getMessage().matches("(?s)malformed fuzz\\.json:\\d+:\\d+: .+"), e.getMessage());
      }
    }
    assertTrue(refused > 200, "most mutations are refused: " + refused);
  }
}
