package io.xdpemu.ebpf.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** .BTF.ext of the committed clang-built fixture core_prog.o (source core_prog.c beside it). */
class BtfExtTest {
  static byte[] resource(String name) throws IOException {
    try (InputStream in = BtfExtTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }

  static Btf fixtureBtf() throws IOException {
    return Btf.parse(ElfBtfSection.extract(resource("core_prog.o"), "core_prog.o"));
  }

  static BtfExt fixtureExt(Btf btf) throws IOException {
    byte[] obj = resource("core_prog.o");
    return BtfExt.parse(ElfBtfSection.section(obj, ".BTF.ext", "core_prog.o"), btf);
  }

  @Test
  void funcInfoNamesBothProgramsOfTheSharedSection() throws Exception {
    Btf btf = fixtureBtf();
    BtfExt ext = fixtureExt(btf);
    assertEquals(8, ext.funcInfoRecSize());
    List<BtfExt.FuncInfo> xdp = ext.funcInfo("xdp");
    assertEquals(
        List.of("xdp_first", "xdp_second"),
        xdp.stream().map(f -> btf.typeName(f.typeId())).collect(Collectors.toList()));
    assertEquals(0, xdp.get(0).insnOff());
    assertTrue(xdp.get(1).insnOff() > 0 && xdp.get(1).insnOff() % 8 == 0);
    assertEquals("read_ts", btf.typeName(ext.funcInfo(".text").get(0).typeId()));
  }

  @Test
  void lineInfoCarriesFileLineColumnAndSourceText() throws Exception {
    Btf btf = fixtureBtf();
    BtfExt ext = fixtureExt(btf);
    String[] source = new String(resource("core_prog.c"), StandardCharsets.UTF_8).split("\n");
    List<BtfExt.LineInfo> lines = ext.lineInfo("xdp");
    assertTrue(lines.size() >= 4);
    for (BtfExt.LineInfo li : lines) {
      assertTrue(li.fileName().endsWith("core_prog.c"), li.fileName());
      // the recorded text is the source line clang saw, at the recorded line number
      assertEquals(source[li.line() - 1], li.sourceLine(), li.location());
      assertTrue(li.column() >= 1 && li.column() <= source[li.line() - 1].length() + 1);
    }
    assertTrue(lines.stream().anyMatch(l -> l.sourceLine().contains("ctx->data_meta")));
    assertEquals(0, lines.get(0).insnOff());
  }

  @Test
  void coreRelocationsHaveAccessStringsAndKinds() throws Exception {
    Btf btf = fixtureBtf();
    BtfExt ext = fixtureExt(btf);
    List<BtfExt.CoreRelo> relos = ext.coreRelos("xdp");
    int md = btf.find("mynic_metadata", BtfKind.STRUCT);
    int xdpMd = btf.find("xdp_md", BtfKind.STRUCT);
    assertTrue(
        relos.stream()
            .anyMatch(
                r ->
                    r.typeId() == md
                        && r.accessStr().equals("0:3")
                        && r.kindName().equals("field_exists")),
        relos.toString());
    assertTrue(
        relos.stream()
            .anyMatch(
                r ->
                    r.typeId() == md
                        && r.accessStr().equals("0:3")
                        && r.kindName().equals("byte_off")));
    assertTrue(
        relos.stream()
            .anyMatch(
                r ->
                    r.typeId() == md
                        && r.accessStr().equals("0")
                        && r.kindName().equals("type_size")));
    assertTrue(
        relos.stream()
            .anyMatch(r -> r.typeId() == xdpMd && r.accessStr().equals("0:2") && r.kind() == 0));
    assertTrue(
        relos.stream()
            .anyMatch(
                r ->
                    r.kindName().equals("enumval_value")
                        && r.accessStr().equals("1")
                        && btf.typeName(r.typeId()).equals("mynic_ptype")));
    assertTrue(ext.coreRelos(".text").stream().anyMatch(r -> r.accessStr().equals("0:2")));
  }

  @Test
  void lineCommentsAndSignaturesMatchBpftoolXlatedDump(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    HostTools.needTool("bpftool");
    java.nio.file.Path bpffs = java.nio.file.Path.of("/sys/fs/bpf");
    HostTools.need(java.nio.file.Files.isWritable(bpffs), "writable bpffs at /sys/fs/bpf");
    java.nio.file.Path obj = SplitBtfTest.resource(dir, "line_prog.o");
    java.nio.file.Path pin = bpffs.resolve("xdpemu_btf_test_" + ProcessHandle.current().pid());
    String xlated;
    try {
      HostTools.run(
          List.of("bpftool", "prog", "load", obj.toString(), pin.toString(), "type", "xdp"));
      xlated =
          new String(
              HostTools.run(
                  List.of("bpftool", "prog", "dump", "xlated", "pinned", pin.toString(), "linum")),
              StandardCharsets.UTF_8);
    } finally {
      java.nio.file.Files.deleteIfExists(pin);
    }
    List<String> expected =
        xlated
            .lines()
            .filter(l -> l.startsWith(";") || l.endsWith("):"))
            .collect(Collectors.toList());
    byte[] elf = resource("line_prog.o");
    Btf btf = Btf.parse(ElfBtfSection.extract(elf, "line_prog.o"));
    BtfExt ext = BtfExt.parse(ElfBtfSection.section(elf, ".BTF.ext", "line_prog.o"), btf);
    List<String> ours = new java.util.ArrayList<>();
    for (String sec : List.of("xdp", ".text")) {
      ours.add(BtfFuncSignature.of(btf, ext.funcInfo(sec).get(0).typeId()) + ":");
      ext.lineInfo(sec).forEach(l -> ours.add(l.bpftoolComment(true)));
    }
    assertEquals(expected, ours);
  }
}
