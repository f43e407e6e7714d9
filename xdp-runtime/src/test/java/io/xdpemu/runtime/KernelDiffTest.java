package io.xdpemu.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xdpemu.cli.Main;
import io.xdpemu.oracle.KernelAssumptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Issue 7 item 6: {@code xdpemu diff} over every example program and the project's mixed capture
 * reports no mismatch (action, output bytes and map state, packet by packet, against the running
 * kernel). Skips without the kernel oracle unless XDPEMU_REQUIRE_KERNEL=1.
 */
class KernelDiffTest {
  static Path root() {
    String r = System.getProperty("xdpemu.root");
    Assumptions.assumeTrue(r != null, "xdpemu.root not set");
    return Path.of(r);
  }

  /** A visible skip (the factory below would count 0 tests), a failure in CI. */
  @Test
  void theKernelOracleIsThere() {
    KernelAssumptions.assumeKernelOracle();
  }

  @TestFactory
  Stream<DynamicTest> everyExampleAgreesWithTheKernelOnTheMixedCapture() throws IOException {
    KernelAssumptions.assumeKernelOracle();
    Path root = root();
    Path pcap = root.resolve("pcaps/mixed-1k.pcap");
    List<Path> objects = new ArrayList<>();
    try (Stream<Path> s = Files.list(root.resolve("examples"))) {
      s.filter(p -> p.getFileName().toString().matches("xdp_.*\\.o"))
          .sorted()
          .forEach(objects::add);
    }
    return objects.stream()
        .map(
            o ->
                DynamicTest.dynamicTest(
                    o.getFileName().toString(),
                    () -> {
                      ByteArrayOutputStream out = new ByteArrayOutputStream();
                      ByteArrayOutputStream err = new ByteArrayOutputStream();
                      int code =
                          Main.run(
                              new String[] {"diff", o.toString(), "--pcap", pcap.toString()},
                              new PrintStream(out, true, StandardCharsets.UTF_8),
                              new PrintStream(err, true, StandardCharsets.UTF_8));
                      String text =
                          out.toString(StandardCharsets.UTF_8)
                              + err.toString(StandardCharsets.UTF_8);
                      assertEquals(0, code, text);
                      assertEquals(
                          "1000 packets compared with the kernel: no mismatch", text.strip(), text);
                    }));
  }
}
