package io.xdpemu.verifier;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The running kernel's verdict on one selftest program, taken live by {@code kernel-verdict}
 * (xdp-runtime/src/test/c/kernel-verdict.c, built by {@code .ci/verifier-selftests.sh}; libbpf
 * loads only that program, as XDP, log level 4, nothing pinned): as root, and as the loader
 * xdpemu's unprivileged mode stands for - CAP_BPF + CAP_NET_ADMIN without CAP_PERFMON and
 * CAP_SYS_ADMIN ({@code capsh --drop=cap_sys_admin,cap_perfmon}). Neither side sets the program's
 * {@code __flag}s, so every program compares, flagged or not.
 */
final class SelftestKernelVerdicts {
  private SelftestKernelVerdicts() {}

  record KernelVerdict(String verdict, long processed, String msg) {
    boolean accepted() {
      return verdict.equals("ACCEPTED");
    }

    /** LOADERR: libbpf gave up before BPF_PROG_LOAD (nothing to compare a verifier with). */
    boolean loaded() {
      return !verdict.equals("LOADERR");
    }
  }

  /**
   * The line kernel-verdict reports as the kernel's message, taken the same way from our log: the
   * last one that is neither statistics nor a source line (after "infinite loop detected" the
   * kernel, and xdpemu, print the two states, so that is the "old state:" line).
   */
  static String lastMessage(String log) {
    String last = "";
    for (String line : log.split("\n")) {
      if (line.isEmpty()
          || line.startsWith("processed ")
          || line.startsWith("verification time")
          || line.startsWith("stack depth")
          || line.startsWith("; ")) {
        continue;
      }
      last = line;
    }
    return last.strip();
  }

  /** The tool the script built, or null when the kernel comparison is not asked for. */
  static Path tool() {
    String p = System.getProperty("xdpemu.selftests.kernelVerdict");
    if (p == null || p.isBlank()) {
      return null;
    }
    Path t = Paths.get(p);
    if (!Files.isExecutable(t)) {
      throw new IllegalStateException("xdpemu.selftests.kernelVerdict is not executable: " + t);
    }
    return t;
  }

  static KernelVerdict of(Path tool, Path object, String program, boolean privileged)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (!privileged) {
      cmd.addAll(
          List.of("capsh", "--drop=cap_sys_admin,cap_perfmon", "--", "-c", "exec \"$0\" \"$@\""));
    }
    cmd.addAll(List.of(tool.toString(), object.toString(), program));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    p.getErrorStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("kernel-verdict failed on " + object + " " + program);
    }
    String verdict = "";
    long processed = -1;
    String msg = "";
    for (String line : new String(out, StandardCharsets.UTF_8).split("\\n")) {
      if (line.startsWith("verdict ")) {
        verdict = line.substring(8).strip();
      } else if (line.startsWith("processed ")) {
        processed = Long.parseLong(line.substring(10).strip());
      } else if (line.startsWith("msg ")) {
        msg = line.substring(4).strip();
      }
    }
    return new KernelVerdict(verdict, processed, msg);
  }
}
