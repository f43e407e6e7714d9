package io.xdpemu.ebpf.btf;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Access to the host's kernel BTF and tools (bpftool, pahole, clang) for oracle tests: skip when
 * absent, fail instead when {@code XDPEMU_REQUIRE_KERNEL=1}.
 */
final class HostTools {
  private HostTools() {}

  static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

  static boolean required() {
    return "1".equals(System.getenv("XDPEMU_REQUIRE_KERNEL"));
  }

  static void need(boolean present, String what) {
    if (!present && required()) {
      fail(what + " is required (XDPEMU_REQUIRE_KERNEL=1) but absent");
    }
    assumeTrue(present, what + " absent: skipping");
  }

  static Path vmlinux() {
    need(Files.isReadable(VMLINUX), VMLINUX.toString());
    return VMLINUX;
  }

  static boolean hasTool(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    for (String dir : List.of("/usr/sbin", "/sbin", "/usr/local/sbin")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  static void needTool(String tool) {
    need(hasTool(tool), tool);
  }

  /** Runs a command; returns stdout as bytes; fails the test on a non-zero exit. */
  static byte[] run(List<String> cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("timeout: " + cmd);
    }
    if (p.exitValue() != 0) {
      fail(cmd + " exited " + p.exitValue() + ": " + err);
    }
    return out;
  }
}
