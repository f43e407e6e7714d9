package io.xdpemu.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.xdpemu.cli.Main;
import java.io.ByteArrayOutputStream;
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
 * {@code xdpemu disasm} prints .BTF.ext line info and func_info signatures exactly as {@code
 * bpftool prog dump xlated [linum]} does for the same object loaded in the running kernel.
 */
class DisasmVsBpftoolTest {
  static String disasm(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] all = new String[args.length + 1];
    all[0] = "disasm";
    System.arraycopy(args, 0, all, 1, args.length);
    int code =
        Main.run(
            all,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Without the kernel: xdp_pass.o (no ctx rewrite), the listing bpftool printed on 6.18. */
  @Test
  void xdpPassListingHasSignatureAndSourceLines() {
    String obj = KernelAssumptions.example("xdp_pass.o").toString();
    assertEquals(
        "int xdp_pass(struct xdp_md * ctx):\n"
            + "; return XDP_PASS;\n"
            + "   0: (b4) w0 = 2\n"
            + "   1: (95) exit\n",
        disasm(obj));
    assertEquals(
        "int xdp_pass(struct xdp_md * ctx):\n"
            + "; return XDP_PASS; [file:./xdp_pass.c line_num:12 line_col:2]\n"
            + "   0: (b4) w0 = 2\n"
            + "   1: (95) exit\n",
        disasm(obj, "--linum"));
  }

  /** bpftool's xlated listing of the object loaded in the kernel (root, bpffs mounted). */
  static String bpftoolXlated(Path bpftool, Path obj, boolean linum) throws Exception {
    Path pin = Path.of("/sys/fs/bpf/xdpemu_disasm_" + ProcessHandle.current().pid());
    Files.deleteIfExists(pin);
    try {
      String load =
          run(bpftool.toString(), "prog", "load", obj.toString(), pin.toString(), "type", "xdp");
      if (!Files.exists(pin)) {
        if (KernelAssumptions.kernelRequired()) {
          fail("bpftool prog load " + obj + " failed: " + load);
        }
        Assumptions.abort("cannot load into the kernel here: " + load);
      }
      List<String> cmd =
          new ArrayList<>(
              List.of(bpftool.toString(), "prog", "dump", "xlated", "pinned", pin.toString()));
      if (linum) {
        cmd.add("linum");
      }
      return run(cmd.toArray(String[]::new));
    } finally {
      Files.deleteIfExists(pin);
    }
  }

  static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  /** The lines that are not instructions: function signatures and source comments. */
  static List<String> annotations(String listing) {
    return listing.lines().filter(l -> !l.matches("\\s*\\d+: .*")).toList();
  }

  /**
   * Every examples/*.o: the same signature and comment lines in the same order (the instructions
   * themselves differ where the kernel rewrites ctx accesses); xdp_pass.o line for line.
   */
  @TestFactory
  Stream<DynamicTest> annotationsMatchBpftoolXlated() throws Exception {
    Path bpftool = KernelAssumptions.assumeTool("bpftool");
    List<Path> objs;
    try (Stream<Path> s = Files.list(KernelAssumptions.repoRoot().resolve("examples"))) {
      objs = s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
    }
    return objs.stream()
        .flatMap(
            obj ->
                Stream.of(false, true)
                    .map(
                        linum ->
                            DynamicTest.dynamicTest(
                                obj.getFileName() + (linum ? " linum" : ""),
                                () -> {
                                  String kernel = bpftoolXlated(bpftool, obj, linum);
                                  String ours =
                                      linum
                                          ? disasm(obj.toString(), "--linum")
                                          : disasm(obj.toString());
                                  if (obj.getFileName().toString().equals("xdp_pass.o")) {
                                    assertEquals(kernel, ours);
                                  }
                                  assertEquals(annotations(kernel), annotations(ours));
                                })));
  }
}
