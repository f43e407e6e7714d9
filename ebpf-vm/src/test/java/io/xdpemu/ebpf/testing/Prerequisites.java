package io.xdpemu.ebpf.testing;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * The project's rule for a suite that needs something outside the repository (the running kernel, a
 * tool, ../shared): when it is missing the suite is a visible skip with the reason, and a failure
 * under {@code XDPEMU_REQUIRE_KERNEL=1} (CI). A check that aborts inside a {@code @TestFactory} or
 * a {@code @BeforeAll} makes Surefire count nothing ("Tests run: 0"), so each suite calls this from
 * a plain {@code @Test} (or {@code @BeforeEach}) too.
 */
public final class Prerequisites {
  private Prerequisites() {}

  public static boolean required() {
    return "1".equals(System.getenv("XDPEMU_REQUIRE_KERNEL"));
  }

  /**
   * Skips (or fails under XDPEMU_REQUIRE_KERNEL=1) unless {@code present}; says what is missing.
   */
  public static void need(boolean present, String missing) {
    if (present) {
      return;
    }
    if (required()) {
      fail("XDPEMU_REQUIRE_KERNEL=1 but " + missing);
    }
    Assumptions.abort(missing);
  }
}
