package io.xdpemu.oracle;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The project's rule for tests that need the running kernel: skip with the reason when the oracle
 * is unavailable, fail instead when the environment says {@code XDPEMU_REQUIRE_KERNEL=1} (CI).
 */
public final class KernelAssumptions {
  private KernelAssumptions() {}

  public static boolean kernelRequired() {
    return "1".equals(System.getenv("XDPEMU_REQUIRE_KERNEL"));
  }

  public static void assumeKernelOracle() {
    Optional<String> reason = KernelOracle.unavailableReason();
    if (reason.isPresent()) {
      if (kernelRequired()) {
        fail("XDPEMU_REQUIRE_KERNEL=1 but the kernel oracle is unavailable: " + reason.get());
      }
      Assumptions.abort("kernel oracle unavailable: " + reason.get());
    }
  }

  /** The same rule for an external tool the test drives (bpftool, clang). */
  static Path assumeTool(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    if (kernelRequired()) {
      fail("XDPEMU_REQUIRE_KERNEL=1 but " + name + " is not on PATH");
    }
    Assumptions.abort(name + " is not on PATH");
    return null;
  }

  /**
   * The repository root: system property xdpemu.root (set by surefire), else the module's parent.
   */
  static Path repoRoot() {
    String root = System.getProperty("xdpemu.root");
    Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
    return p.toAbsolutePath().normalize();
  }

  static Path example(String name) {
    Path p = repoRoot().resolve("examples").resolve(name);
    if (!Files.isReadable(p)) {
      fail("example object missing: " + p + " (make -C examples)");
    }
    return p;
  }

  /** The shared suites: system property xdpemu.shared, else ../shared next to the repository. */
  static Path shared() {
    String shared = System.getProperty("xdpemu.shared");
    return shared != null ? Path.of(shared) : repoRoot().resolveSibling("shared");
  }
}
