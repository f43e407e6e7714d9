package io.xdpemu.nic.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.xdpemu.nic.TestFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every generated method of every shipped firmware compiles at each of C1's tiers. A method C1
 * refuses ("COMPILE SKIPPED: out of virtual registers in linear scan": too many values live across
 * too many merges for its register allocator) runs in the interpreter, 30-100 times slower, until
 * C2 gets to it; in a JMH fork or the CLI's first second that decides the figure. Checked in a
 * child JVM ({@link SteerCompileProbe}) under {@code -Xbatch -XX:+PrintCompilation
 * -XX:TieredStopAtLevel=N}, whose compilation log names each hidden firmware class and method.
 */
class GeneratedCodeCompilesAtEveryTierTest {

  @ParameterizedTest(name = "TieredStopAtLevel={0}")
  @ValueSource(ints = {1, 2, 3})
  void everyGeneratedMethodCompilesWithC1(int level) throws Exception {
    List<String> log = runProbe(level);
    int firmwares = -1;
    Set<String> steerCompiled = new TreeSet<>();
    List<String> skipped = new ArrayList<>();
    for (String line : log) {
      if (line.startsWith("probe ") && line.endsWith(" firmwares")) {
        firmwares = Integer.parseInt(line.split(" ")[1]);
      }
      if (!line.contains("io.xdpemu.nic.Firmware_")) {
        continue;
      }
      if (line.contains("COMPILE SKIPPED") || line.contains("compilation bailout")) {
        skipped.add(line.strip());
      } else if (line.contains("::steer (") && !line.contains("made not entrant")) {
        // "io.xdpemu.nic.Firmware_mynic/0x...::steer": one hidden class per firmware
        String cls = line.substring(line.indexOf("io.xdpemu.nic.Firmware_"), line.indexOf("::"));
        steerCompiled.add(cls);
      }
    }
    assertTrue(firmwares >= 4, "the probe did not run: " + String.join("\n", log));
    if (!skipped.isEmpty()) {
      fail("C1 refused generated code at tier " + level + ":\n" + String.join("\n", skipped));
    }
    assertEquals(
        firmwares,
        steerCompiled.size(),
        "steer compiled for " + steerCompiled + " only; log:\n" + String.join("\n", log));
  }

  private static List<String> runProbe(int level) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb =
        new ProcessBuilder(
            java.toString(),
            "-Xbatch",
            "-XX:+PrintCompilation",
            "-XX:TieredStopAtLevel=" + level,
            "-Dxdpemu.root=" + TestFiles.root(),
            "-cp",
            System.getProperty("java.class.path"),
            SteerCompileProbe.class.getName());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe JVM did not finish");
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "probe JVM failed:\n" + text);
    return text.lines().toList();
  }
}
