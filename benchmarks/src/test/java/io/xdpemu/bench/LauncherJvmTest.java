package io.xdpemu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks fork JVMs with the flags the launcher starts every JVM with: a change to one that
 * the other misses would have the benchmarks time a JVM no user runs.
 */
class LauncherJvmTest {
  @Test
  void benchmarksForkWithTheLaunchersJvmFlags() throws IOException {
    List<String> lines =
        Files.readAllLines(BenchInputs.root().resolve("xdpemu")).stream()
            .filter(l -> l.startsWith("JVM=("))
            .toList();
    assertEquals(List.of("JVM=(" + BenchInputs.LAUNCHER_JVM + ")"), lines);
  }
}
