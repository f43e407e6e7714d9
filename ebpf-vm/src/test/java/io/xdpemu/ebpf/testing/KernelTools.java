package io.xdpemu.ebpf.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What the kernel-backed tests run outside the JVM: clang's include path, bpftool, any tool. */
public final class KernelTools {
  private KernelTools() {}

  /** Runs {@code cmd}; its output (stdout and stderr), or a test failure naming it on exit != 0. */
  public static String exec(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      fail(String.join(" ", cmd) + " failed:\n" + text);
    }
    return text;
  }

  /** Whether {@code tool} is an executable on PATH. */
  public static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code bpftool prog run pinned PIN data_in IN data_out OUT repeat 1}: the program's return
   * value (the frame it left is in {@code out}).
   */
  public static int progRun(Path pin, Path in, Path out) throws IOException, InterruptedException {
    String r =
        exec(
            "bpftool",
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
    return Integer.parseInt(r.replaceAll("(?s).*Return value: (-?\\d+).*", "$1"));
  }

  /**
   * The /usr/include directory that holds {@code asm/types.h} for this architecture (clang -target
   * bpf does not look there itself), else /usr/include.
   */
  public static String asmInclude() throws IOException {
    try (Stream<Path> dirs = Files.list(Path.of("/usr/include"))) {
      return dirs.filter(d -> Files.exists(d.resolve("asm/types.h")))
          .map(Path::toString)
          .sorted()
          .findFirst()
          .orElse("/usr/include");
    }
  }
}
