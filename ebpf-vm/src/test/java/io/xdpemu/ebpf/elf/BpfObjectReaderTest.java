package io.xdpemu.ebpf.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import io.xdpemu.ebpf.maps.MapDefinition;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BpfObjectReaderTest {
  private final BpfObject programs = Fixtures.object("programs.o");

  private static List<String> names(BpfObject o) {
    return o.programs().stream()
        .map(p -> p.name() + "@" + p.section())
        .collect(Collectors.toList());
  }

  @Test
  void findsEveryProgramIncludingSeveralPerSectionAndNonStandardSections() {
    assertEquals(
        List.of(
            "first_prog@xdp",
            "second_prog@xdp",
            "frags_prog@xdp.frags",
            "devmap_prog@xdp/devmap",
            "custom_prog@my_custom_section"),
        names(programs));
    assertEquals("GPL", programs.license());
    assertTrue(programs.program("frags_prog").frags());
    assertTrue(programs.program("devmap_prog").isXdpSection());
    assertFalse(programs.program("custom_prog").isXdpSection());
  }

  @Test
  void selectsProgramsByFunctionNameThenSectionAndDefaultsToFirstXdp() {
    assertEquals("second_prog", programs.program("second_prog").name());
    assertEquals("first_prog", programs.program("xdp").name());
    assertEquals("custom_prog", programs.program("my_custom_section").name());
    assertEquals("first_prog", programs.program(null).name());
    UsageException e = assertThrows(UsageException.class, () -> programs.program("nope"));
    assertTrue(e.getMessage().contains("no program named 'nope'"), e.getMessage());
  }

  @Test
  void appendsStaticSubprogramAndPointsCallAtTheCopy() {
    ProgramSpec p = programs.program("first_prog");
    assertEquals(9 + 6, p.insns().length);
    Insn call = p.insns()[1];
    assertEquals(Opcodes.CALL_OP, call.opcode());
    assertEquals(Opcodes.PSEUDO_CALL, call.src());
    assertEquals(9, 1 + call.imm() + 1); // lands on the appended add_twice
    assertEquals(0x67, p.insns()[9].opcode()); // r1 <<= 1, first insn of add_twice
    assertEquals(
        List.of(
            new ProgramSpec.CodeSegment(0, 9, "xdp", 0, "first_prog"),
            new ProgramSpec.CodeSegment(9, 6, ".text", 11, "add_twice")),
        p.segments());
  }

  @Test
  void appendsSubprogramsDepthFirstInCallOrderLikeLibbpf() {
    ProgramSpec p = programs.program("second_prog");
    assertEquals(13 + 11 + 6, p.insns().length);
    assertEquals(13, 1 + p.insns()[1].imm() + 1); // global_helper at 13
    assertEquals(24, 4 + p.insns()[4].imm() + 1); // add_twice at 24
    assertEquals(
        List.of("second_prog", "global_helper", "add_twice"),
        p.segments().stream().map(ProgramSpec.CodeSegment::function).collect(Collectors.toList()));
    assertArrayEquals(new int[] {13 + 3}, p.pcsOf(".text", 3 * 8));
    assertArrayEquals(new int[] {2}, p.pcsOf("xdp", 11 * 8));
  }

  @Test
  void globalDataSectionsBecomeOneElementArrayMapsInSectionOrder() {
    assertEquals(
        List.of(".data", ".rodata", ".data.custom", ".rodata.custom", ".bss"),
        programs.maps().stream().map(MapDefinition::name).collect(Collectors.toList()));
    MapDefinition rodata = programs.map(".rodata");
    assertEquals(2, rodata.type());
    assertEquals(1, rodata.maxEntries());
    assertEquals(4, rodata.keySize());
    assertEquals(4, rodata.valueSize());
    assertTrue(rodata.readOnly());
    assertArrayEquals(new byte[] {100, 0, 0, 0}, rodata.initialData());
    assertArrayEquals(new byte[] {7, 0, 0, 0}, programs.map(".data").initialData());
    assertFalse(programs.map(".data").readOnly());
    assertArrayEquals(new byte[] {'h', 'i', 0}, programs.map(".rodata.custom").initialData());
    assertArrayEquals(new byte[4], programs.map(".bss").initialData());
    assertEquals(".bss", programs.types().type(programs.map(".bss").valueBtfId()).name());
  }

  @Test
  void rewritesGlobalDataLoadsAsMapValueWithOffset() {
    ProgramSpec p = programs.program("second_prog");
    Insn zeroed = p.insns()[13];
    assertEquals(Opcodes.LD_IMM64, zeroed.opcode());
    assertEquals(Opcodes.PSEUDO_MAP_VALUE, zeroed.src());
    assertEquals(4, zeroed.imm()); // .bss is map 4
    assertEquals(0, p.insns()[14].imm());
    assertEquals(
        List.of(
            new ProgramSpec.MapReference(13, ".bss", 4, 0, true),
            new ProgramSpec.MapReference(19, ".rodata", 1, 0, true),
            new ProgramSpec.MapReference(25, ".data", 0, 0, true)),
        p.mapReferences());
  }

  @Test
  void readsSamplesStyleLegacyMapDefinitions() {
    BpfObject o = Fixtures.object("legacy_maps.o");
    MapDefinition rx = o.map("rxcnt");
    assertEquals(6, rx.type()); // PERCPU_ARRAY
    assertEquals(4, rx.keySize());
    assertEquals(8, rx.valueSize());
    assertEquals(256, rx.maxEntries());
    MapDefinition blocked = o.map("blocked");
    assertEquals(1, blocked.type());
    assertEquals(1, blocked.flags());
    ProgramSpec p = o.program("count_rx");
    assertEquals(2, p.mapReferences().size());
    for (ProgramSpec.MapReference r : p.mapReferences()) {
      Insn i = p.insns()[r.pc()];
      assertEquals(Opcodes.PSEUDO_MAP_FD, i.src());
      assertEquals(o.maps().indexOf(o.map(r.mapName())), i.imm());
      assertFalse(r.value());
    }
  }

  @Test
  void readsIproute2BpfElfMapDefinitionsWithPinning() {
    BpfObject o = Fixtures.object("iproute2_maps.o");
    MapDefinition acl = o.map("acl");
    assertEquals(1, acl.type());
    assertEquals(4, acl.keySize());
    assertEquals(8, acl.valueSize());
    assertEquals(32, acl.maxEntries());
    assertEquals(2, acl.pinning());
    assertEquals("acl_prog", o.program("prog").name());
    assertFalse(o.program("prog").isXdpSection());
  }

  @Test
  void keepsKfuncCallsByName() {
    BpfObject o = Fixtures.object("kfunc.o");
    ProgramSpec p = o.program("read_hints");
    assertEquals(
        List.of("bpf_xdp_metadata_rx_timestamp", "bpf_xdp_metadata_rx_hash"),
        p.externs().stream().map(ProgramSpec.ExternReference::name).collect(Collectors.toList()));
    for (ProgramSpec.ExternReference e : p.externs()) {
      assertEquals(ProgramSpec.ExternKind.FUNCTION, e.kind());
      Insn call = p.insns()[e.pc()];
      assertEquals(Opcodes.CALL_OP, call.opcode());
      assertEquals(Opcodes.PSEUDO_KFUNC_CALL, call.src());
    }
    assertNull(o.map(".data"));
  }

  @Test
  void keepsRawBtfSections() {
    assertTrue(programs.btf().length > 24);
    assertEquals((byte) 0x9f, programs.btf()[0]);
    assertEquals((byte) 0xeb, programs.btf()[1]);
    assertTrue(programs.btfExt().length > 24);
  }

  private static int segmentPc(ProgramSpec p, String function) {
    return p.segments().stream()
        .filter(s -> s.function().equals(function))
        .findFirst()
        .orElseThrow()
        .pc();
  }

  @Test
  void callbackAddressesBecomePseudoFuncLoadsOfTheAppendedCopy() {
    BpfObject o = Fixtures.object("callbacks.o");
    ProgramSpec p = o.program("loop_prog");
    assertEquals(
        List.of("loop_prog", "add_square", "square"),
        p.segments().stream().map(ProgramSpec.CodeSegment::function).collect(Collectors.toList()));
    int pc = -1;
    for (int i = 0; i < p.insns().length; i++) {
      if (p.insns()[i].opcode() == Opcodes.LD_IMM64 && p.insns()[i].src() == Opcodes.PSEUDO_FUNC) {
        pc = i;
      }
    }
    assertTrue(pc >= 0, "no BPF_PSEUDO_FUNC load");
    assertEquals(segmentPc(p, "add_square"), pc + p.insns()[pc].imm() + 1);
  }

  @Test
  void nestedSubprogramsAreAppendedDepthFirstAndShared() {
    ProgramSpec p = Fixtures.object("callbacks.o").program("nested_prog");
    assertEquals(
        List.of("nested_prog", "twice_square", "square"),
        p.segments().stream().map(ProgramSpec.CodeSegment::function).collect(Collectors.toList()));
    int square = segmentPc(p, "square");
    int calls = 0;
    for (int i = 0; i < p.insns().length; i++) {
      Insn in = p.insns()[i];
      if (in.opcode() == Opcodes.CALL_OP
          && in.src() == Opcodes.PSEUDO_CALL
          && i + in.imm() + 1 == square) {
        calls++;
      }
    }
    assertEquals(2, calls); // from nested_prog and from twice_square, one copy
  }

  @Test
  void funcAndLineInfoFollowTheAppendedSubprograms() {
    ProgramSpec p = programs.program("second_prog");
    assertEquals(
        List.of(0, 13, 24),
        p.funcInfo().stream().map(ProgramSpec.FuncInfoAt::pc).collect(Collectors.toList()));
    assertEquals(
        List.of("second_prog", "global_helper", "add_twice"),
        p.funcInfo().stream()
            .map(f -> programs.types().type(f.typeId()).name())
            .collect(Collectors.toList()));
    assertTrue(
        p.lineAt(0).sourceLine().contains("global_helper(ctx->ingress_ifindex)"),
        p.lineAt(0).sourceLine());
    assertTrue(
        p.lineAt(24).sourceLine().contains("return x + x + counter"), p.lineAt(24).sourceLine());
    assertTrue(p.lineAt(14).fileName().endsWith("programs.c"));
  }
}
