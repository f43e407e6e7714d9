package io.xdpemu.pcap;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Finds ../shared (system property xdpemu.shared, set by surefire). */
public final class SharedSuites {
  private SharedSuites() {}

  public static Path shared() {
    String p = System.getProperty("xdpemu.shared");
    Path dir = p != null ? Path.of(p) : Path.of("..", "..", "shared");
    Assumptions.assumeTrue(Files.isDirectory(dir), "shared suites not found at " + dir);
    return dir;
  }

  public static Path tcpdumpCaptures() {
    return shared().resolve("pcaps").resolve("tcpdump");
  }
}
