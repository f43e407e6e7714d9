package io.xdpemu.nic;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.FirmwareLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates the repository and the shared suites the way every module's tests do. */
public final class TestFiles {
  private TestFiles() {}

  public static Path root() {
    String p = System.getProperty("xdpemu.root");
    Path r = p != null ? Paths.get(p) : Paths.get("..").toAbsolutePath().normalize();
    if (!Files.isDirectory(r.resolve("examples"))) {
      r = Paths.get("..").toAbsolutePath().normalize();
    }
    return r;
  }

  public static Path shared() {
    String p = System.getProperty("xdpemu.shared");
    return p != null ? Paths.get(p) : root().resolve("../shared").normalize();
  }

  public static Path firmwarePath(String name) {
    return root().resolve("examples/firmware").resolve(name);
  }

  public static Firmware firmware(String name) {
    return FirmwareLoader.load(firmwarePath(name));
  }

  public static boolean requireTools() {
    return "1".equals(System.getenv("XDPEMU_REQUIRE_KERNEL"))
        || "1".equals(System.getenv("XDPEMU_REQUIRE_TOOLS"));
  }
}
