package io.xdpemu.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The summary's wall-time line: from the launcher's clock reading, else the JVM's start. */
class WallTimeTest {
  @AfterEach
  void clear() {
    System.clearProperty(SummaryReport.LAUNCHED_PROPERTY);
  }

  @Test
  void countsFromTheLaunchersReading() {
    Instant launched = Instant.now().minusMillis(1500).truncatedTo(ChronoUnit.MICROS);
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, launched);
    System.setProperty(SummaryReport.LAUNCHED_PROPERTY, Long.toString(micros));

    assertEquals(launched, SummaryReport.commandStart());
    double secs = seconds(SummaryReport.wallTime());
    assertTrue(secs >= 1.5 && secs < 60, "wall time " + secs);
  }

  @Test
  void withoutTheLauncherCountsFromTheJvmsStart() {
    Instant jvm = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
    assertEquals(jvm, SummaryReport.commandStart());
    // ProcessHandle's instant rounds the boot time down to a second: it is never later.
    Instant process = ProcessHandle.current().info().startInstant().orElse(Instant.EPOCH);
    assertFalse(SummaryReport.commandStart().isBefore(process.truncatedTo(ChronoUnit.MILLIS)));
    assertFalse(SummaryReport.commandStart().isAfter(Instant.now()));
  }

  @Test
  void aReadingThatIsNotMicrosecondsIsIgnored() {
    Instant jvm = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
    for (String bad : new String[] {"", "1796509425.683152", "-5", "12345678901234567890", "x"}) {
      System.setProperty(SummaryReport.LAUNCHED_PROPERTY, bad);
      assertEquals(jvm, SummaryReport.commandStart(), bad);
    }
  }

  private static double seconds(String line) {
    return Double.parseDouble(line.substring(0, line.indexOf('s')));
  }
}
