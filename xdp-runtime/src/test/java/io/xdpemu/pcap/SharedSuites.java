package io.xdpemu.pcap;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds ../shared (system property xdpemu.shared, set by surefire): a skip when absent, a failure
 * under XDPEMU_REQUIRE_KERNEL=1.
 */
public final class SharedSuites {
  private SharedSuites() {}

  public static Path shared() {
    String p = System.getProperty("xdpemu.shared");
    Path dir = p != null ? Path.of(p) : Path.of("..", "..", "shared");
    if (!Files.isDirectory(dir) && "1".equals(System.getenv("XDPEMU_REQUIRE_KERNEL"))) {
      Assertions.fail("XDPEMU_REQUIRE_KERNEL=1 but the shared suites are not at " + dir);
    }
    Assumptions.assumeTrue(Files.isDirectory(dir), "shared suites not found at " + dir);
    return dir;
  }

  public static Path tcpdumpCaptures() {
    return shared().resolve("pcaps").resolve("tcpdump");
  }
}
