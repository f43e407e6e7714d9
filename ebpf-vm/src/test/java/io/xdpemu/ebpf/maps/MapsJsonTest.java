package io.xdpemu.ebpf.maps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.MalformedInputException;
import io.xdpemu.ebpf.jackson.JsonFiles;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class MapsJsonTest {
  private final RegionRegistry regions = new RegionRegistry();
  private final MapRegistry maps = new MapRegistry(regions, 2);

  private BpfMap map(String name, int type, int key, int value, int max) {
    return maps.create(
        new MapDefinition(
            name,
            type,
            key,
            value,
            max,
            type == MapType.LPM_TRIE ? BpfMap.BPF_F_NO_PREALLOC : 0,
            0,
            0,
            0,
            null,
            null,
            null,
            false));
  }

  @Test
  void writesTheContractFormatWithPerCpuValues() {
    BpfMap h = map("flows", MapType.HASH, 4, 4, 8);
    BpfMap p = map("stats", MapType.PERCPU_ARRAY, 4, 8, 1);
    h.update(BpfMap.le32(0x0100000a), BpfMap.le32(7), 0);
    ExecutionContext ctx = new ExecutionContext(regions);
    ctx.cpu = 1;
    p.updateFromProgram(ctx, BpfMap.le32(0), MapSemanticsTest.u64(3), 0);
    String json = MapsJson.write(List.of(h, p));
    assertEquals(
        "{\"flows\":{\"type\":\"hash\",\"key_size\":4,\"value_size\":4,\"max_entries\":8,"
            + "\"entries\":[{\"key\":\"0a000001\",\"value\":\"07000000\"}]},"
            + "\"stats\":{\"type\":\"percpu_array\",\"key_size\":4,\"value_size\":8,\"max_entries\":1,"
            + "\"entries\":[{\"key\":\"00000000\",\"values\":[\"0000000000000000\",\"0300000000000000\"]}]}}",
        json);
  }

  @Test
  void mapInitRoundTripsThroughTheWriter() {
    BpfMap h = map("flows", MapType.HASH, 4, 4, 8);
    BpfMap lpm = map("prefixes", MapType.LPM_TRIE, 8, 4, 8);
    BpfMap q = map("work", MapType.QUEUE, 0, 4, 4);
    String init =
        String.join(
            "\n",
            "{\"flows\": {\"type\": \"hash\", \"entries\": [",
            "   {\"key\": \"0a000001\", \"value\": \"01000000\"},",
            "   {\"key\": \"0a000002\", \"value\": \"02000000\"}]},",
            " \"prefixes\": {\"entries\": [{\"key\": \"18000000 0a0102ff\", \"value\": \"18000000\"}]},",
            " \"work\": {\"entries\": [{\"value\": \"01000000\"}, {\"value\": \"02000000\"}]}}");
    MapsJson.apply(JsonFiles.parse(init, "init.json"), maps);
    assertEquals(2, h.keys().size());
    assertArrayEquals(
        BpfMap.le32(24), ((LpmTrieMap) lpm).longestMatch(new byte[] {32, 0, 0, 0, 10, 1, 2, 3}));
    byte[] out = new byte[4];
    q.pop(out, false);
    assertArrayEquals(BpfMap.le32(1), out, "pushed in file order");
    // What we write, we read back into fresh maps, identically.
    String written = MapsJson.write(maps.all());
    MapRegistry again = new MapRegistry(new RegionRegistry(), 2);
    for (BpfMap m : maps.all()) {
      again.create(m.definition());
    }
    MapsJson.apply(JsonFiles.parse(written, "maps.json"), again);
    assertEquals(written, MapsJson.write(again.all()));
  }

  @Test
  void mapInitErrorsNameFileLineAndTheProblem() {
    map("flows", MapType.HASH, 4, 4, 1);
    assertError("{\"nope\": {}}", "malformed init.json:1:10: no map named 'nope' in the program");
    assertError(
        "{\"flows\": {\"type\": \"array\"}}",
        "malformed init.json:1:20: map 'flows' is a hash, not array");
    assertError(
        "{\"flows\": {\"entries\": [{\"key\": \"0a00\", \"value\": \"00000000\"}]}}",
        "malformed init.json:1:32: map 'flows': key has 2 bytes, expected 4");
    assertError(
        "{\"flows\": {\"entries\": [{\"key\": \"zz000000\", \"value\": \"00000000\"}]}}",
        "malformed init.json:1:32: map 'flows': key is not hex: zz000000");
    assertError(
        "{\"flows\": {\"entries\": [{\"key\": \"00000000\", \"value\": \"00000000\"},\n"
            + " {\"key\": \"01000000\", \"value\": \"00000000\"}]}}",
        "malformed init.json:2:2: map 'flows': update failed with -7 (E2BIG)");
  }

  private void assertError(String json, String message) {
    MalformedInputException e =
        assertThrows(
            MalformedInputException.class,
            () -> MapsJson.apply(JsonFiles.parse(json, "init.json"), maps));
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }

  @Test
  void eventsDrainRingBuffersAndPerfArraysInOrder() {
    RingBufMap rb = (RingBufMap) map("events", MapType.RINGBUF, 0, 0, 4096);
    PerfEventArrayMap pe = (PerfEventArrayMap) map("perf", MapType.PERF_EVENT_ARRAY, 4, 4, 2);
    MapEvents.openPerfBuffers(maps);
    rb.output(new byte[] {1}, 0);
    rb.output(new byte[] {2}, 0);
    pe.output(1, 0xffffffffL, new byte[] {3});
    List<MapEvents.Event> ev = MapEvents.drain(maps);
    assertEquals(3, ev.size());
    assertEquals("{\"map\":\"events\",\"type\":\"ringbuf\",\"data\":\"01\"}", ev.get(0).toJson());
    assertEquals(
        "{\"map\":\"perf\",\"type\":\"perf_event_array\",\"cpu\":1,\"index\":1,\"data\":\"03\"}",
        ev.get(2).toJson());
    assertEquals(0, MapEvents.drain(maps).size());
  }
}
