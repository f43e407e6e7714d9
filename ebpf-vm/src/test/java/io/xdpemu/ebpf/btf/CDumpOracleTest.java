package io.xdpemu.ebpf.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** C output diffed against bpftool's {@code format c} and compiled with clang. */
class CDumpOracleTest {
  @TempDir Path dir;

  private static void assertSameLines(String expected, String actual) {
    if (!expected.equals(actual)) {
      String[] e = expected.split("\n", -1);
      String[] a = actual.split("\n", -1);
      for (int i = 0; i < Math.min(e.length, a.length); i++) {
        assertEquals(e[i], a[i], "line " + (i + 1));
      }
      assertEquals(e.length, a.length, "line count");
    }
  }

  private void assertClangCompiles(String header, String use) throws Exception {
    HostTools.needTool("clang");
    Files.writeString(dir.resolve("vmlinux.h"), header);
    Path c = dir.resolve("use.c");
    Files.writeString(c, "#include \"vmlinux.h\"\n" + use);
    HostTools.run(
        List.of(
            "clang",
            "-target",
            "bpf",
            "-fsyntax-only",
            "-Wno-everything",
            "-I",
            dir.toString(),
            c.toString()));
  }

  @Test
  void hostVmlinuxCDumpMatchesBpftoolAndCompiles() throws Exception {
    HostTools.needTool("bpftool");
    Btf btf = Btf.read(HostTools.vmlinux());
    String expected =
        new String(
            HostTools.run(
                List.of(
                    "bpftool", "btf", "dump", "file", HostTools.VMLINUX.toString(), "format", "c")),
            StandardCharsets.UTF_8);
    String ours = BtfCDump.dumpHeader(btf);
    assertSameLines(expected, ours);
    assertClangCompiles(
        ours,
        "int f(struct xdp_md *ctx) { return ctx->data_meta + "
            + "sizeof(struct xdp_buff) + XDP_RSS_L4_TCP; }\n");
  }

  @Test
  void splitCDumpMatchesBpftool() throws Exception {
    Path split = SplitBtfTest.paholeSplit(dir, "mynic_fw1.c");
    HostTools.needTool("bpftool");
    Btf btf = Btf.read(split, Btf.read(HostTools.VMLINUX));
    String expected =
        new String(
            HostTools.run(
                List.of(
                    "bpftool",
                    "-B",
                    HostTools.VMLINUX.toString(),
                    "btf",
                    "dump",
                    "file",
                    split.toString(),
                    "format",
                    "c")),
            StandardCharsets.UTF_8);
    String ours = BtfCDump.dumpHeader(btf);
    assertSameLines(expected, ours);
    assertClangCompiles(
        ours,
        "_Static_assert(sizeof(struct mynic_metadata) == 48, \"size\");\n"
            + "int g(struct mynic_metadata *m) { return m->mark + m->u.vlan.tci; }\n");
  }

  @Test
  void builtTypesOfEveryShapeMatchBpftoolAndCompile() throws Exception {
    HostTools.needTool("bpftool");
    Btf btf = SampleBtf.everyShape();
    Path file = dir.resolve("sample.btf");
    Files.write(file, btf.toBytes());
    String expected =
        new String(
            HostTools.run(
                List.of("bpftool", "btf", "dump", "file", file.toString(), "format", "c")),
            StandardCharsets.UTF_8);
    String ours = BtfCDump.dumpHeader(btf);
    assertSameLines(expected, ours);
    String raw =
        new String(
            HostTools.run(List.of("bpftool", "btf", "dump", "file", file.toString())),
            StandardCharsets.UTF_8);
    assertSameLines(raw, BtfRawDump.dump(btf));
    assertClangCompiles(
        ours,
        "_Static_assert(sizeof(struct packed_hdr) == 7, \"packed\");\n"
            + "_Static_assert(sizeof(struct node) == 40, \"node\");\n"
            + "_Static_assert(__builtin_offsetof(struct node, a) == 32, \"off\");\n");
  }

  @Test
  void elfObjectDumpsMatchBpftool() throws Exception {
    HostTools.needTool("bpftool");
    Path obj = SplitBtfTest.resource(dir, "core_prog.o");
    Btf btf = Btf.read(obj);
    String raw =
        new String(
            HostTools.run(List.of("bpftool", "btf", "dump", "file", obj.toString())),
            StandardCharsets.UTF_8);
    assertSameLines(raw, BtfRawDump.dump(btf));
    String c =
        new String(
            HostTools.run(List.of("bpftool", "btf", "dump", "file", obj.toString(), "format", "c")),
            StandardCharsets.UTF_8);
    assertSameLines(c, BtfCDump.dumpHeader(btf));
  }
}
