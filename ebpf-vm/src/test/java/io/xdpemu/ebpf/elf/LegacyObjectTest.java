package io.xdpemu.ebpf.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import io.xdpemu.ebpf.maps.MapDefinition;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Old-style objects of examples/realworld: programs without symbols and iproute2's maps. */
class LegacyObjectTest {
  private static BpfObject example(String name) {
    return BpfObjectReader.read(Path.of("..", "examples", "realworld", name));
  }

  @Test
  void sectionWithoutFunctionSymbolsIsOneProgramNamedAfterIt() {
    BpfObject o = example("legacy_nofunc.o");
    assertEquals(1, o.programs().size());
    ProgramSpec p = o.program("prog");
    assertEquals("prog", p.name());
    // .text (the static classify(), no symbol) is appended whole and the call lands in it
    int calls = 0;
    for (int pc = 0; pc < p.insns().length; pc++) {
      Insn i = p.insns()[pc];
      if (i != null && i.opcode() == Opcodes.CALL_OP && i.src() == Opcodes.PSEUDO_CALL) {
        int target = pc + 1 + i.imm();
        assertTrue(target > 0 && target < p.insns().length, "call target " + target);
        calls++;
      }
    }
    assertEquals(1, calls);
    assertEquals(2, p.segments().size());
    assertEquals(".text", p.segments().get(1).section());
  }

  @Test
  void bpfElfMapPinGlobalNsIsAFreshMapWithoutWarning() {
    BpfObject o = example("legacy_nofunc.o");
    MapDefinition m = o.map("counters");
    assertEquals(2, m.type());
    assertEquals(4, m.maxEntries());
    assertEquals(2, m.pinning());
    assertEquals(List.of(), o.warnings());
  }

  @Test
  void outerMapTakesItsTemplateByInnerIdAndTheInnerMapByInnerIdx() {
    BpfObject o = example("iproute2_map_in_map.o");
    MapDefinition outer = o.map("outer");
    assertEquals(LegacyMapReader.ARRAY_OF_MAPS, outer.type());
    assertNotNull(outer.inner());
    assertEquals("inner", outer.inner().name());
    assertEquals(4, outer.inner().valueSize());
    assertEquals(Map.of(0, "inner"), outer.initialSlots());
  }
}
