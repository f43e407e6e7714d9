package io.xdpemu.ebpf.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.isa.Opcodes;
import io.xdpemu.ebpf.maps.MapDefinition;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BtfMapReaderTest {
  private final BpfObject o = Fixtures.object("btf_maps.o");

  @Test
  void readsMapsInDatasecOrderThenGlobalData() {
    assertEquals(
        List.of("inner_a", "inner_b", "outer", "jumps", "flows", "stats", ".rodata"),
        o.maps().stream().map(MapDefinition::name).collect(Collectors.toList()));
  }

  @Test
  void readsKeyAndValueFromTypesWithTheirBtfIds() {
    MapDefinition flows = o.map("flows");
    assertEquals(1, flows.type()); // HASH
    assertEquals(12, flows.keySize());
    assertEquals(8, flows.valueSize());
    assertEquals(1024, flows.maxEntries());
    assertEquals(1, flows.flags()); // BPF_F_NO_PREALLOC
    assertEquals(1, flows.pinning()); // LIBBPF_PIN_BY_NAME
    assertEquals("flow_key", o.types().type(flows.keyBtfId()).name());
    assertTrue(flows.valueBtfId() > 0);
  }

  @Test
  void readsSizesGivenAsNumbers() {
    MapDefinition stats = o.map("stats");
    assertEquals(6, stats.type()); // PERCPU_ARRAY
    assertEquals(4, stats.keySize());
    assertEquals(16, stats.valueSize());
    assertEquals(4, stats.maxEntries());
    assertEquals(0, stats.keyBtfId());
  }

  @Test
  void readsInnerMapTemplateAndInitialMapSlots() {
    MapDefinition outer = o.map("outer");
    assertEquals(12, outer.type()); // ARRAY_OF_MAPS
    assertEquals(4, outer.valueSize());
    MapDefinition inner = outer.inner();
    assertEquals("outer.inner", inner.name());
    assertEquals(2, inner.type());
    assertEquals(8, inner.maxEntries());
    assertEquals(4, inner.valueSize());
    assertEquals(Map.of(0, "inner_a", 2, "inner_b"), outer.initialSlots());
    assertNull(o.map("inner_a").initialSlots());
  }

  @Test
  void readsProgramArraySlotsFromRelocations() {
    MapDefinition jumps = o.map("jumps");
    assertEquals(3, jumps.type());
    assertEquals(3, jumps.maxEntries());
    assertEquals(Map.of(1, "tail_target"), jumps.initialSlots());
  }

  @Test
  void mapLoadsReferToBtfMapsByIndex() {
    ProgramSpec p = o.program("use_maps");
    assertEquals(
        List.of("flows", "flows", "stats", "outer", "jumps"),
        p.mapReferences().stream()
            .map(ProgramSpec.MapReference::mapName)
            .collect(Collectors.toList()));
    for (ProgramSpec.MapReference r : p.mapReferences()) {
      assertEquals(Opcodes.PSEUDO_MAP_FD, p.insns()[r.pc()].src());
      assertEquals(o.maps().indexOf(o.map(r.mapName())), p.insns()[r.pc()].imm());
    }
  }

  @Test
  void tellsSamplesBpfMapDefFromIproute2ByBtfMemberNames() {
    BpfObject s = Fixtures.object("samples7_maps.o");
    MapDefinition m = s.map("counters");
    assertEquals(2, m.type());
    assertEquals(16, m.maxEntries());
    assertEquals(0, m.pinning());
  }
}
