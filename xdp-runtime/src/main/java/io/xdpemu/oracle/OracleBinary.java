package io.xdpemu.oracle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Builds the {@code xdpemu-oracle} executable from its C source (a classpath resource, copied from
 * {@code src/main/c}) with gcc and libbpf at first use, into a cache directory, and tells whether
 * the kernel oracle can work here at all.
 *
 * <p>Cache directory, first that is set: system property {@code xdpemu.oracle.cache}, {@code
 * $XDG_CACHE_HOME/xdpemu/oracle}, {@code ~/.cache/xdpemu/oracle}. The executable's name carries a
 * hash of the source, so an edited source is rebuilt and concurrent JVMs never see a half-written
 * file (it is written under a temporary name and moved into place).
 */
final class OracleBinary {
  private OracleBinary() {}

  static final String SOURCE_RESOURCE = "xdpemu-oracle.c";
  static final List<String> LINK_LIBS = List.of("-lbpf", "-lelf", "-lz");
  private static final Path LIBBPF_HEADER = Path.of("/usr/include/bpf/libbpf.h");
  private static final long GCC_TIMEOUT_SECONDS = 120;

  private static Path built;
  private static Optional<String> unavailable;

  /** Why the oracle cannot run here (not Linux, not root, no gcc/libbpf, no bpf()), or empty. */
  static synchronized Optional<String> unavailableReason() {
    if (unavailable == null) {
      unavailable = probe();
    }
    return unavailable;
  }

  /** The executable, built on first use. */
  static synchronized Path executable() {
    if (built == null) {
      built = build();
    }
    return built;
  }

  private static Optional<String> probe() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      return Optional.of(
          "the kernel oracle needs Linux (os.name=" + System.getProperty("os.name") + ")");
    }
    if (!isRoot()) {
      return Optional.of("the kernel oracle needs root (BPF_PROG_LOAD, BPF_PROG_TEST_RUN)");
    }
    if (!Files.isReadable(LIBBPF_HEADER)) {
      return Optional.of("libbpf headers missing (" + LIBBPF_HEADER + "; install libbpf-dev)");
    }
    try {
      Path exe = executable();
      ProcessResult probe = runProcess(List.of(exe.toString(), "--probe"), 30);
      if (probe.exitCode() != 0) {
        return Optional.of("the bpf() syscall does not work here: " + probe.output().strip());
      }
    } catch (KernelOracleException e) {
      return Optional.of(e.getMessage().replaceFirst("^kernel oracle: ", ""));
    }
    return Optional.empty();
  }

  /** Effective uid 0, from the "Uid:" line of /proc/self/status (real, effective, saved, fs). */
  private static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          String[] ids = line.substring(4).trim().split("\\s+");
          return ids.length > 1 && ids[1].equals("0");
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  static Path cacheDirectory() {
    String configured = System.getProperty("xdpemu.oracle.cache");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "xdpemu", "oracle");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "xdpemu", "oracle");
  }

  private static Path build() {
    byte[] source = readSource();
    String hash = sha256(source).substring(0, 16);
    Path dir = cacheDirectory();
    Path exe = dir.resolve("xdpemu-oracle-" + hash);
    if (Files.isExecutable(exe)) {
      return exe;
    }
    try {
      Files.createDirectories(dir);
      Path src = dir.resolve("xdpemu-oracle-" + hash + ".c");
      Files.write(src, source);
      Path tmp = Files.createTempFile(dir, "xdpemu-oracle-", ".tmp");
      List<String> gcc =
          new ArrayList<>(List.of("gcc", "-O2", "-Wall", "-o", tmp.toString(), src.toString()));
      gcc.addAll(LINK_LIBS);
      ProcessResult result = runProcess(gcc, GCC_TIMEOUT_SECONDS);
      if (result.exitCode() != 0) {
        Files.deleteIfExists(tmp);
        throw new KernelOracleException(
            "building " + exe + " failed (" + String.join(" ", gcc) + "):\n" + result.output());
      }
      try {
        Files.move(tmp, exe, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, exe, StandardCopyOption.REPLACE_EXISTING);
      }
      return exe;
    } catch (IOException e) {
      throw new KernelOracleException("cannot build the oracle in " + dir + ": " + e, e);
    }
  }

  private static byte[] readSource() {
    try (InputStream in = OracleBinary.class.getResourceAsStream(SOURCE_RESOURCE)) {
      if (in == null) {
        throw new KernelOracleException(
            "resource io/xdpemu/oracle/" + SOURCE_RESOURCE + " missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new KernelOracleException("cannot read the oracle's source: " + e, e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  record ProcessResult(int exitCode, String output) {}

  /** Runs a short command, stdout and stderr merged; a missing program is exit code 127. */
  static ProcessResult runProcess(List<String> command, long timeoutSeconds) {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new ProcessResult(127, command.get(0) + ": cannot run: " + e.getMessage());
    }
    try {
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new ProcessResult(124, command.get(0) + ": timed out after " + timeoutSeconds + "s");
      }
      return new ProcessResult(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      p.destroyForcibly();
      return new ProcessResult(1, command.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      return new ProcessResult(130, command.get(0) + ": interrupted");
    }
  }
}
