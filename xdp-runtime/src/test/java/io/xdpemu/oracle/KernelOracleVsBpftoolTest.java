package io.xdpemu.oracle;

import static io.xdpemu.oracle.KernelAssumptions.assumeKernelOracle;
import static io.xdpemu.oracle.KernelAssumptions.assumeTool;
import static io.xdpemu.oracle.KernelAssumptions.example;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oracle against the reference tool: {@code bpftool prog load OBJ PIN type xdp} and {@code
 * bpftool prog run pinned PIN data_in F data_out G} must report the same return value and output
 * bytes as {@link KernelOracle} (which passes a ctx_in with data = 0 where bpftool passes none).
 */
class KernelOracleVsBpftoolTest {
  private static final Pattern RETURN_VALUE = Pattern.compile("Return value: (\\d+)");
  private static final List<String> FRAMES =
      List.of("udp_dns", "udp_discard", "icmp_echo", "vlan1_udp", "random_200");

  @TempDir Path dir;

  @TestFactory
  Stream<DynamicTest> oracleReportsWhatBpftoolReports() {
    return ExamplesDifferentialTest.EXAMPLES.stream()
        .map(ex -> dynamicTest(ex.program(), () -> compare(ex.object(), ex.program())));
  }

  private void compare(String object, String program) throws IOException {
    assumeKernelOracle();
    Path bpftool = assumeTool("bpftool");
    Path bpffs = Path.of("/sys/fs/bpf");
    if (!isBpffs(bpffs)) {
      if (KernelAssumptions.kernelRequired()) {
        fail("XDPEMU_REQUIRE_KERNEL=1 but no bpffs at /sys/fs/bpf (mount -t bpf bpf /sys/fs/bpf)");
      }
      Assumptions.abort("no bpffs mounted at /sys/fs/bpf");
    }
    Path obj = example(object);
    Path pin = bpffs.resolve("xdpemu_oracle_test_" + ProcessHandle.current().pid() + "_" + program);
    run(bpftool.toString(), "prog", "load", obj.toString(), pin.toString(), "type", "xdp");
    Map<String, byte[]> frames = ExamplesDifferentialTest.frames();
    try (KernelOracle oracle = KernelOracle.open(obj, program, null)) {
      for (String name : FRAMES) {
        byte[] frame = frames.get(name);
        Path in = Files.write(dir.resolve(name + ".in"), frame);
        Path out = dir.resolve(name + ".out");
        String report =
            run(
                bpftool.toString(),
                "prog",
                "run",
                "pinned",
                pin.toString(),
                "data_in",
                in.toString(),
                "data_out",
                out.toString(),
                "repeat",
                "1");
        Matcher m = RETURN_VALUE.matcher(report);
        if (!m.find()) {
          fail("bpftool prog run printed no return value:\n" + report);
        }
        OracleResult r = oracle.run(new byte[0], frame, 1);
        assertEquals(Integer.parseInt(m.group(1)), r.retval(), program + " " + name);
        assertArrayEquals(Files.readAllBytes(out), r.dataOut(), program + " " + name);
      }
    } finally {
      Files.deleteIfExists(pin);
    }
  }

  private static boolean isBpffs(Path mountPoint) {
    try {
      return Files.readAllLines(Path.of("/proc/mounts")).stream()
          .map(l -> l.split(" "))
          .anyMatch(f -> f.length > 2 && f[1].equals(mountPoint.toString()) && f[2].equals("bpf"));
    } catch (IOException e) {
      return false;
    }
  }

  private static String run(String... command) {
    OracleBinary.ProcessResult r = OracleBinary.runProcess(List.of(command), 60);
    if (r.exitCode() != 0) {
      fail(String.join(" ", command) + " exited " + r.exitCode() + ":\n" + r.output());
    }
    return r.output();
  }
}
