package io.xdpemu.ebpf.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfKind;
import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.ebpf.elf.BpfObjectReader;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every relocation kind of the core_kinds.c fixture against core_target.c's BTF: values pinned here
 * without a kernel, and the whole programs compared with libbpf's when a kernel is present.
 */
class CoreKindsTest {
  private static final BpfObject OBJ = read("core_kinds.o");
  private static final Btf TARGET = Btf.parse(section(bytes("core_target.o")));

  private static byte[] bytes(String name) {
    try (InputStream in = CoreKindsTest.class.getResourceAsStream("/elf/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static BpfObject read(String name) {
    return BpfObjectReader.read(name, bytes(name));
  }

  private static byte[] section(byte[] elf) {
    return io.xdpemu.ebpf.btf.ElfBtfSection.extract(elf, "core_target.o");
  }

  private static RelocatedProgram relocate(String prog) {
    return CoreRelocator.relocate(OBJ, new CoreTarget(TARGET), prog);
  }

  /** The relocation whose local spec contains {@code what} (n-th of them). */
  private static AppliedCoreRelocation find(RelocatedProgram p, String what, int n) {
    List<AppliedCoreRelocation> all =
        p.applied().stream().filter(a -> a.localSpec().contains(what)).collect(Collectors.toList());
    assertTrue(all.size() > n, "no relocation " + what + " in " + p.applied());
    return all.get(n);
  }

  private static long value(RelocatedProgram p, AppliedCoreRelocation a) {
    Insn i = p.insns()[a.pc()];
    if (i.opcode() == Opcodes.LD_IMM64) {
      return (i.imm() & 0xffffffffL) | ((long) p.insns()[a.pc() + 1].imm() << 32);
    }
    return i.cls() == Opcodes.LDX || i.cls() == Opcodes.ST || i.cls() == Opcodes.STX
        ? i.off()
        : i.imm();
  }

  @Test
  void fieldOffsetsFollowTheTargetLayout() {
    RelocatedProgram p = relocate("kinds");
    assertEquals(8, value(p, find(p, "] struct sample.a (", 0)));
    assertEquals(8, value(p, find(p, "] struct sample___flavor.a (", 0))); // flavor -> sample
    assertEquals(24, value(p, find(p, "struct sample.d (0:3:0", 0)));
    assertEquals(36, value(p, find(p, "struct sample.arr[2]", 0)));
    assertEquals(72, value(p, find(p, "<byte_off> [" + id("sample") + "] struct sample.in.y", 0)));
  }

  @Test
  void widensUnsignedLoadsAndPoisonsSignedWidthChanges() {
    RelocatedProgram p = relocate("kinds");
    AppliedCoreRelocation widen = find(p, "struct sample.widen", 0);
    assertEquals(Opcodes.LDX | Opcodes.MEM | Opcodes.DW, p.insns()[widen.pc()].opcode());
    assertEquals("off 8 -> 16, mem_sz 4 -> 8", widen.patch());
    RelocatedProgram n = relocate("narrowing");
    AppliedCoreRelocation narrow = find(n, "struct sample.narrow", 0);
    assertEquals("poisoned (accesses field incorrectly)", narrow.patch());
    assertTrue(n.isPoisoned(narrow.pc()));
  }

  @Test
  void sizesExistenceAndSignedness() {
    RelocatedProgram p = relocate("kinds");
    assertEquals(32, value(p, find(p, "<byte_sz> [" + id("sample") + "] struct sample.arr (", 0)));
    assertEquals(4, value(p, find(p, "<byte_sz> [" + id("sample") + "] struct sample.arr[1]", 0)));
    assertEquals(0, value(p, find(p, "<field_exists>", 0)));
    assertEquals(1, value(p, find(p, "<signed> [" + id("sample") + "] struct sample.sbf", 0)));
    assertEquals(0, value(p, find(p, "<signed> [" + id("sample") + "] struct sample.bf1", 0)));
  }

  @Test
  void bitfieldShiftsAndLoadUnit() {
    RelocatedProgram p = relocate("kinds");
    // target bf1: bit 487, 9 bits, in the 4-byte unit at byte 60
    assertEquals(60, value(p, find(p, "<byte_off> [" + id("sample") + "] struct sample.bf1", 0)));
    assertEquals(4, value(p, find(p, "<byte_sz> [" + id("sample") + "] struct sample.bf1", 0)));
    assertEquals(64 - (487 + 9 - 480), value(p, find(p, "<lshift_u64>", 0)));
    assertEquals(64 - 9, value(p, find(p, "<rshift_u64>", 0)));
  }

  @Test
  void typeRelocations() {
    RelocatedProgram p = relocate("kinds");
    assertEquals(1, value(p, find(p, "<type_exists> [" + id("sample") + "]", 0)));
    assertEquals(80, value(p, find(p, "<type_size>", 0))); // 76 rounded to 8
    assertEquals(id("sample"), value(p, find(p, "<local_type_id>", 0)));
    assertEquals(TARGET.find("sample", BtfKind.STRUCT), value(p, find(p, "<target_type_id>", 0)));
    assertEquals(0, value(p, find(p, "typedef local_only_t", 0)));
  }

  @Test
  void enumValuesIncludingEnum64AndMissingOnes() {
    RelocatedProgram p = relocate("kinds");
    assertEquals(
        1, value(p, find(p, "<enumval_exists> [" + enumId("color") + "] enum color::GREEN", 0)));
    assertEquals(
        20, value(p, find(p, "<enumval_value> [" + enumId("color") + "] enum color::GREEN", 0)));
    assertEquals(0, value(p, find(p, "enum color::PURPLE", 0)));
    assertEquals(0x200000000L, value(p, find(p, "enum64 big64::BIG", 0)));
    RelocatedProgram u = relocate("unguarded_enum");
    AppliedCoreRelocation purple = find(u, "<enumval_value>", 0);
    assertEquals("poisoned ld_imm64", purple.patch());
    assertEquals(RelocatedProgram.POISON_IMM, u.insns()[purple.pc() + 1].imm());
    assertEquals(
        "failed to resolve CO-RE relocation <enumval_value> ["
            + enumId("color")
            + "] enum color::PURPLE = 9",
        u.poisoned().get(purple.pc()));
  }

  @Test
  void disagreeingFlavorsAreAnAmbiguityError() {
    CoreRelocationException e =
        assertThrows(CoreRelocationException.class, () -> relocate("ambiguous"));
    assertTrue(e.getMessage().contains("field offset ambiguity: 32 != 0"), e.getMessage());
    // relocating the whole object fails too, as a libbpf load of all programs does
    assertThrows(
        CoreRelocationException.class, () -> CoreRelocator.relocate(OBJ, new CoreTarget(TARGET)));
  }

  @Test
  void essentialNamesStripOnlyTheLastFlavor() {
    assertEquals("sample", CoreTypes.essentialName("sample___flavor"));
    assertEquals("a___b", CoreTypes.essentialName("a___b___c"));
    assertEquals("x____y", CoreTypes.essentialName("x____y")); // 4 underscores: no separator
    assertEquals("___x", CoreTypes.essentialName("___x"));
    assertEquals("s___", CoreTypes.essentialName("s___"));
  }

  private static int id(String struct) {
    return OBJ.types().find(struct, BtfKind.STRUCT);
  }

  private static int enumId(String name) {
    int id = OBJ.types().find(name, BtfKind.ENUM);
    return id > 0 ? id : OBJ.types().find(name, BtfKind.ENUM64);
  }

  @ParameterizedTest
  @ValueSource(strings = {"kinds", "narrowing", "unguarded_enum", "ambiguous"})
  void equalsLibbpfOnTheRunningKernel(String prog) throws Exception {
    Path dir = Host.scratch("core-kinds");
    Path obj = dir.resolve("core_kinds.o");
    Path target = dir.resolve("core_target.o");
    Files.write(obj, bytes("core_kinds.o"));
    Files.write(target, bytes("core_target.o"));
    Host.OracleRun libbpf = Host.oracle(obj, prog, target, false);
    if (prog.equals("ambiguous")) {
      assertTrue(libbpf.log().contains("field offset ambiguity: 32 != 0"), libbpf.log());
      assertNotEquals(0, libbpf.load());
      return;
    }
    RelocatedProgram ours = relocate(prog);
    assertEquals(List.of(), OracleComparison.differences(ours.insns(), libbpf.insns()));
    assertEquals(prog.equals("kinds"), libbpf.load() == 0, libbpf.log());
    if (!prog.equals("kinds")) {
      int pc = ours.poisoned().keySet().stream().mapToInt(Integer::intValue).min().getAsInt();
      assertTrue(
          libbpf.log().contains(pc + ": <invalid CO-RE relocation>\n" + ours.poisoned().get(pc)),
          libbpf.log());
    }
  }
}
