package io.xdpemu.ebpf.btf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Split BTF made by pahole on the host vmlinux: parse, round trip, dump vs bpftool, merge. */
class SplitBtfTest {
  @TempDir Path dir;

  static Path resource(Path dir, String name) throws IOException {
    Path out = dir.resolve(name);
    try (InputStream in = SplitBtfTest.class.getResourceAsStream(name)) {
      Files.copy(in, out);
    }
    return out;
  }

  /** pahole --btf_base=vmlinux --btf_encode_detached on the compiled fixture. */
  static Path paholeSplit(Path dir, String source) throws Exception {
    HostTools.vmlinux();
    HostTools.needTool("clang");
    HostTools.needTool("pahole");
    Path c = resource(dir, source);
    Path obj = dir.resolve(source + ".o");
    Path split = dir.resolve(source + ".split.btf");
    HostTools.run(List.of("clang", "-g", "-O0", "-c", c.toString(), "-o", obj.toString()));
    HostTools.run(
        List.of(
            "pahole",
            "--btf_base=" + HostTools.VMLINUX,
            "--btf_encode_detached=" + split,
            obj.toString()));
    return split;
  }

  @Test
  void splitIdsAndStringsContinueTheBase() throws Exception {
    Path split = paholeSplit(dir, "mynic_fw1.c");
    Btf base = Btf.read(HostTools.VMLINUX);
    Btf btf = Btf.read(split, base);
    assertEquals(base.typeCount(), btf.firstId());
    assertEquals(base.stringsEnd(), btf.stringsStart());
    int md = btf.find("mynic_metadata", BtfKind.STRUCT);
    assertTrue(md >= base.typeCount(), "split type id " + md);
    BtfType.Struct s = (BtfType.Struct) btf.type(md);
    assertTrue(s.kindFlag(), "bitfields set kind_flag");
    assertEquals(32 * 8, btf.findMember(md, "u").bitOffset());
    BtfType.Member mark = btf.findMember(md, "mark").member();
    assertEquals(11, mark.bitfieldSize());
    assertEquals(48, btf.sizeOf(md));
    assertEquals(8, btf.alignOf(md));
    // base types are reachable through the split object
    assertEquals(base.find("xdp_md", BtfKind.STRUCT), btf.find("xdp_md", BtfKind.STRUCT));
    assertArrayEquals(Files.readAllBytes(split), btf.toBytes());
  }

  @Test
  void splitRawDumpMatchesBpftool() throws Exception {
    Path split = paholeSplit(dir, "mynic_fw1.c");
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
                    split.toString())),
            StandardCharsets.UTF_8);
    assertEquals(expected, BtfRawDump.dump(btf));
  }

  @Test
  void mergedSplitIsStandaloneAndAcceptedByBpftool() throws Exception {
    Path split = paholeSplit(dir, "mynic_fw1.c");
    HostTools.needTool("bpftool");
    Btf base = Btf.read(HostTools.VMLINUX);
    Btf btf = Btf.read(split, base);
    Btf merged = BtfMerge.toStandalone(btf);
    Path out = dir.resolve("merged.btf");
    Files.write(out, merged.toBytes());
    Btf reread = Btf.read(out);
    assertEquals(btf.typeCount(), reread.typeCount());
    int md = btf.find("mynic_metadata", BtfKind.STRUCT);
    assertEquals(md, reread.find("mynic_metadata", BtfKind.STRUCT));
    assertEquals(btf.type(md), reread.type(md));
    String expected =
        new String(
            HostTools.run(List.of("bpftool", "btf", "dump", "file", out.toString())),
            StandardCharsets.UTF_8);
    assertEquals(expected, BtfRawDump.dump(reread));
  }

  @Test
  void hostVmlinuxRawDumpMatchesBpftool() throws Exception {
    HostTools.needTool("bpftool");
    Btf btf = Btf.read(HostTools.vmlinux());
    String expected =
        new String(
            HostTools.run(List.of("bpftool", "btf", "dump", "file", HostTools.VMLINUX.toString())),
            StandardCharsets.UTF_8);
    String actual = BtfRawDump.dump(btf);
    if (!expected.equals(actual)) {
      String[] e = expected.split("\n", -1);
      String[] a = actual.split("\n", -1);
      for (int i = 0; i < Math.min(e.length, a.length); i++) {
        assertEquals(e[i], a[i], "line " + (i + 1));
      }
      assertEquals(e.length, a.length, "line count");
    }
  }

  @Test
  void tellsSplitFromStandaloneFiles() throws Exception {
    Path split = paholeSplit(dir, "mynic_fw1.c");
    Btf base = Btf.read(HostTools.VMLINUX);
    Btf detected = Btf.readStandaloneOrSplit(split, base);
    assertTrue(detected.isSplit());
    Path merged = dir.resolve("merged.btf");
    Files.write(merged, BtfMerge.toStandalone(detected).toBytes());
    assertTrue(!Btf.readStandaloneOrSplit(merged, base).isSplit());
    Path built = dir.resolve("built.btf");
    Files.write(built, BtfBuilderTest.nicLayout(base).toBytes());
    assertTrue(Btf.readStandaloneOrSplit(built, base).isSplit());
  }
}
