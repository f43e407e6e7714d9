package io.xdpemu.nic.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.nic.FirmwareEquivalence;
import io.xdpemu.nic.PlainFirmware;
import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.FirmwareLoader;
import org.junit.jupiter.api.Test;

/**
 * The compiled steer counts no steps when no frame can run more states than the limit ({@code
 * max_depth * 4}): at the limit it must not count, one past it it must, and either way it gives the
 * interpreter's result (TOO_DEEP exactly when the run passes the limit).
 */
class StepBoundTest {
  /**
   * max_depth 1 (limit 4): a state that loops on its lookahead byte 1 up to {@code repeat} times
   * (no loop when 0), then a chain of {@code chain} states without headers, then accept.
   */
  private static Firmware chain(int repeat, int chain) {
    StringBuilder states = new StringBuilder();
    String first = chain > 0 ? "c1" : "accept";
    if (repeat > 0) {
      states.append(
          String.format(
              "\"loop\": { \"max_repeat\": %d, \"select\": [{ \"lookahead\": [0, 8] }],"
                  + " \"transitions\": [ { \"value\": 1, \"next\": \"loop\" },"
                  + " { \"default\": \"%s\" } ] },%n",
              repeat, first));
    }
    for (int i = 1; i <= chain; i++) {
      states.append(
          String.format(
              "\"c%d\": { \"next\": \"%s\" }%s%n",
              i, i < chain ? "c" + (i + 1) : "accept", i < chain ? "," : ""));
    }
    String json =
        "{ \"format\": \"xdpemu-nicfw/1\", \"name\": \"steps\", \"mode\": \"kernel\",\n"
            + "\"limits\": { \"max_depth\": 1 },\n"
            + "\"header_types\": { \"b\": { \"length\": 1, \"fields\": { \"v\": [0, 8] } } },\n"
            + "\"parser\": { \"start\": \""
            + (repeat > 0 ? "loop" : "c1")
            + "\", \"states\": {\n"
            + states
            + "} } }";
    return FirmwareLoader.parse(json, "steps.json");
  }

  private static void sameAsInterpreter(Firmware fw) {
    FirmwareEquivalence eq = new FirmwareEquivalence(fw);
    assertTrue(eq.compiled());
    for (byte[] f : new byte[][] {{}, {0}, {1}, {1, 1}, {2, 0, 1}}) {
      assertNull(eq.check(f, 0, f.length), fw + " frame of " + f.length);
    }
  }

  @Test
  void noStepsCountedOnlyWhenTheLimitCannotBePassed() {
    assertTrue(StepBound.withinLimit(chain(0, 4)), "four states: at the limit");
    assertFalse(StepBound.withinLimit(chain(0, 5)), "five states: one past");
    assertTrue(StepBound.withinLimit(chain(2, 1)), "three loop visits at most, then one");
    assertFalse(StepBound.withinLimit(chain(2, 2)), "three loop visits, then two");
    assertTrue(StepBound.withinLimit(PlainFirmware.get()));
    for (int[] c : new int[][] {{0, 4}, {0, 5}, {2, 1}, {2, 2}, {3, 2}, {1, 3}}) {
      sameAsInterpreter(chain(c[0], c[1]));
    }
  }

  @Test
  void aCycleOfTwoStatesIsUnbounded() {
    String json =
        "{ \"format\": \"xdpemu-nicfw/1\", \"name\": \"ring\", \"mode\": \"kernel\",\n"
            + "\"limits\": { \"max_depth\": 16 },\n"
            + "\"header_types\": { \"b\": { \"length\": 1, \"fields\": { \"v\": [0, 8] } } },\n"
            + "\"parser\": { \"start\": \"a\", \"states\": {\n"
            + "\"a\": { \"extract\": \"b\", \"select\": [\"b.v\"], \"transitions\": ["
            + " { \"value\": 1, \"next\": \"z\" }, { \"default\": \"accept\" } ] },\n"
            + "\"z\": { \"select\": [{ \"lookahead\": [0, 8] }], \"transitions\": ["
            + " { \"value\": 1, \"next\": \"a\" }, { \"default\": \"accept\" } ] } } } }";
    Firmware fw = FirmwareLoader.parse(json, "ring.json");
    assertFalse(StepBound.withinLimit(fw));
    FirmwareEquivalence eq = new FirmwareEquivalence(fw);
    byte[] ones = new byte[40];
    java.util.Arrays.fill(ones, (byte) 1);
    assertNull(eq.check(ones, 0, ones.length));
    assertEquals(true, eq.compiled());
  }
}
