package io.xdpemu.verifier;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Finds ../shared/verifier-corpus and builds its C programs with clang into target/. */
final class CorpusPrograms {
  private CorpusPrograms() {}

  static boolean requireKernelTools() {
    return "1".equals(System.getenv("XDPEMU_REQUIRE_KERNEL"));
  }

  static Path shared() {
    String p = System.getProperty("xdpemu.shared");
    Path dir = p != null ? Paths.get(p) : Paths.get("..", "..", "shared");
    if (!Files.isDirectory(dir)) {
      dir = Paths.get("..", "..", "shared");
    }
    return dir;
  }

  /**
   * ../shared/verifier-corpus; a missing corpus skips (visibly, see KernelCorpusAgreementTest), or
   * fails under XDPEMU_REQUIRE_KERNEL=1 as a missing kernel does.
   */
  static Path corpus() {
    Path c = shared().resolve("verifier-corpus");
    if (!Files.isDirectory(c) && requireKernelTools()) {
      fail("XDPEMU_REQUIRE_KERNEL=1 but the verifier corpus is not at " + c.toAbsolutePath());
    }
    Assumptions.assumeTrue(Files.isDirectory(c), "verifier corpus not found at " + c);
    return c;
  }

  /** One line of results.tsv. */
  record Row(
      String name,
      String intended,
      String privVerdict,
      int privInsns,
      String privKey,
      String unprivVerdict,
      String unprivKey) {}

  static List<Row> results() throws IOException {
    List<Row> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(corpus().resolve("results.tsv"));
    for (String l : lines.subList(1, lines.size())) {
      if (l.isBlank()) {
        continue;
      }
      String[] f = l.split("\t");
      rows.add(new Row(f[0], f[1], f[2], Integer.parseInt(f[3]), f[4], f[5], f[6]));
    }
    return rows;
  }

  static boolean clangAvailable() {
    try {
      Process p = new ProcessBuilder("clang", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Compiles {@code src/<name>.c} like check.sh does: clang -O2 -g -target bpf. */
  static Path compile(String name) throws IOException, InterruptedException {
    Path out = Paths.get("target", "verifier-corpus", name + ".o");
    Path src = corpus().resolve("src").resolve(name + ".c");
    if (Files.exists(out)
        && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(src)) > 0) {
      return out;
    }
    Files.createDirectories(out.getParent());
    Process p =
        new ProcessBuilder(
                "clang",
                "-O2",
                "-g",
                "-target",
                "bpf",
                "-I/usr/include/" + multiarch(),
                "-c",
                src.toString(),
                "-o",
                out.toString())
            .redirectErrorStream(true)
            .start();
    String msg = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("clang failed for " + src + ": " + msg);
    }
    return out;
  }

  /** Debian keeps asm/types.h under the multiarch directory, which -target bpf does not search. */
  static String multiarch() {
    for (String d : new String[] {"x86_64-linux-gnu", "aarch64-linux-gnu"}) {
      if (Files.isDirectory(Paths.get("/usr/include", d, "asm"))) {
        return d;
      }
    }
    return "x86_64-linux-gnu";
  }

  /** A program ready for the verifier. */
  record Loaded(io.xdpemu.ebpf.isa.Insn[] insns, ProgramInfo info) {}

  static Loaded load(String name) throws IOException, InterruptedException {
    boolean clang = clangAvailable();
    if (!clang && requireKernelTools()) {
      fail("XDPEMU_REQUIRE_KERNEL=1 but clang is not installed");
    }
    Assumptions.assumeTrue(clang, "clang not installed: cannot build the verifier corpus");
    Path obj = compile(name);
    io.xdpemu.ebpf.elf.BpfObject o =
        io.xdpemu.ebpf.elf.BpfObjectReader.read(
            obj.getFileName().toString(), Files.readAllBytes(obj));
    io.xdpemu.ebpf.elf.ProgramSpec spec = o.program(null);
    return new Loaded(spec.insns(), ObjectProgramInfo.of(o, spec));
  }
}
