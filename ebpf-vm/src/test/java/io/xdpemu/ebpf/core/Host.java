package io.xdpemu.ebpf.core;

import static org.junit.jupiter.api.Assertions.fail;

import io.xdpemu.ebpf.testing.Prerequisites;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The host's kernel, tools and paths for the kernel-oracle tests: skip when something is absent,
 * fail instead when {@code XDPEMU_REQUIRE_KERNEL=1}.
 */
final class Host {
  private Host() {}

  static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

  static void need(boolean present, String what) {
    Prerequisites.need(present, what + " absent");
  }

  static void needTool(String tool) {
    boolean found = false;
    for (String dir :
        (System.getenv().getOrDefault("PATH", "/usr/bin") + ":/usr/sbin:/sbin").split(":")) {
      found |= Files.isExecutable(Path.of(dir, tool));
    }
    need(found, tool);
  }

  static void needRoot() {
    need("root".equals(System.getProperty("user.name")), "root (for bpf())");
  }

  /** The repository root ({@code xdpemu.root}, else the parent of the module directory). */
  static Path root() {
    String p = System.getProperty("xdpemu.root");
    if (p != null && !p.isEmpty() && !p.contains("${")) {
      return Path.of(p);
    }
    return Path.of("").toAbsolutePath().getParent();
  }

  /** A scratch directory under the module's target/. */
  static Path scratch(String name) throws IOException {
    Path d = Path.of("target", name).toAbsolutePath();
    Files.createDirectories(d);
    return d;
  }

  /** Builds the libbpf oracle loader once into target/. */
  static Path oracle() throws IOException, InterruptedException {
    needTool("gcc");
    need(Files.exists(Path.of("/usr/include/bpf/libbpf.h")), "libbpf-dev");
    needRoot();
    Path out = scratch("oracle").resolve("core_oracle");
    Path src = Path.of("src/test/c/core_oracle.c").toAbsolutePath();
    if (!Files.exists(out)
        || Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(src)) < 0) {
      run(List.of("gcc", "-O1", "-Wall", "-o", out.toString(), src.toString(), "-lbpf"));
    }
    return out;
  }

  record Result(int exit, String out, String err) {}

  static Result exec(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).start();
    // stderr can be large (verifier logs): drain it concurrently
    StringBuilder err = new StringBuilder();
    Thread t =
        new Thread(
            () -> {
              try {
                err.append(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                err.append(e);
              }
            });
    t.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("timeout: " + cmd);
    }
    t.join();
    return new Result(p.exitValue(), out, err.toString());
  }

  static String run(List<String> cmd) throws IOException, InterruptedException {
    Result r = exec(cmd);
    if (r.exit() != 0) {
      fail(cmd + " exited " + r.exit() + ": " + r.err());
    }
    return r.out();
  }

  /** What the oracle printed: libbpf's load result and the program's final slots. */
  record OracleRun(int load, List<long[]> insns, String log) {}

  static OracleRun oracle(Path obj, String prog, Path targetBtf, boolean xdp)
      throws IOException, InterruptedException {
    return oracle(obj, prog, targetBtf, xdp ? "xdp" : null);
  }

  /** Relocations only: libbpf relocates, then the kernel refuses the load at once (no verifier). */
  static OracleRun oracleRelocationsOnly(Path obj, String prog, Path targetBtf)
      throws IOException, InterruptedException {
    return oracle(obj, prog, targetBtf, "reloc");
  }

  private static OracleRun oracle(Path obj, String prog, Path targetBtf, String mode)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                oracle().toString(),
                obj.toString(),
                prog,
                targetBtf == null ? "-" : targetBtf.toString()));
    if (mode != null) {
      cmd.add(mode);
    }
    Result r = exec(cmd);
    if (r.exit() != 0) {
      fail(cmd + " exited " + r.exit() + ": " + r.err());
    }
    int load = Integer.MIN_VALUE;
    List<long[]> insns = new ArrayList<>();
    for (String line : r.out().split("\n")) {
      String[] f = line.trim().split(" ");
      if (f[0].equals("load")) {
        load = Integer.parseInt(f[1]);
      } else if (f.length == 6) {
        long[] v = new long[5];
        for (int i = 0; i < 5; i++) {
          v[i] = Long.parseLong(f[i + 1]);
        }
        insns.add(v);
      }
    }
    return new OracleRun(load, insns, r.err());
  }

  /** A BPF_PROG_TEST_RUN of an XDP program through the oracle loader. */
  record KernelRun(int load, long retval, String dataOut, String bss, String log) {}

  static KernelRun oracleRun(
      Path obj, String prog, Path targetBtf, String metaHex, String packetHex)
      throws IOException, InterruptedException {
    Result r =
        exec(
            List.of(
                oracle().toString(),
                obj.toString(),
                prog,
                targetBtf == null ? "-" : targetBtf.toString(),
                "xdp",
                "run",
                metaHex,
                packetHex));
    if (r.exit() != 0) {
      fail("oracle run exited " + r.exit() + ": " + r.err());
    }
    int load = Integer.MIN_VALUE;
    long retval = -1;
    String dataOut = null;
    String bss = null;
    for (String line : r.out().split("\n")) {
      String[] f = line.trim().split(" ");
      switch (f[0]) {
        case "load":
          load = Integer.parseInt(f[1]);
          break;
        case "run":
          if (!f[1].equals("0")) {
            fail("BPF_PROG_TEST_RUN failed: " + f[1] + "\n" + r.err());
          }
          break;
        case "retval":
          retval = Long.parseLong(f[1]);
          break;
        case "data_out":
          dataOut = f.length > 1 ? f[1] : "";
          break;
        case "bss":
          bss = f[1];
          break;
        default:
          break;
      }
    }
    return new KernelRun(load, retval, dataOut, bss, r.err());
  }
}
