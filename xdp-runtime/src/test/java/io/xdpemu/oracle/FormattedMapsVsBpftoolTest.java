package io.xdpemu.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.ebpf.elf.BpfObjectReader;
import io.xdpemu.ebpf.jackson.JsonFiles;
import io.xdpemu.ebpf.jackson.Located;
import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.ebpf.maps.MapDefinition;
import io.xdpemu.ebpf.maps.MapRegistry;
import io.xdpemu.ebpf.maps.MapsJson;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * maps.json's {@code "formatted"} equals {@code bpftool -j map dump}'s for the same bytes in the
 * kernel's maps: examples/formats/btf_values.o (nested structs, a union, arrays, char strings,
 * enums, every int width, bitfields, a pointer, a per-CPU map, global data) is loaded by the kernel
 * oracle, which keeps it alive while bpftool dumps its maps by id; xdpemu's maps get the very bytes
 * the kernel holds, and every entry's formatted object must be the same JSON, key order included.
 */
class FormattedMapsVsBpftoolTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void everyEntryIsFormattedAsBpftoolFormatsIt() throws Exception {
    Path bpftool = KernelAssumptions.assumeTool("bpftool");
    KernelAssumptions.assumeKernelOracle();
    Path obj = KernelAssumptions.example("formats/btf_values.o");
    Random r = new Random(15);
    try (KernelOracle k = KernelOracle.open(obj, "btf_values", null)) {
      for (int i = 0; i < 6; i++) {
        byte[] key = bytes(r, 12);
        byte[] value = bytes(r, 64);
        if (i == 0) { // a tag and a name that are C strings, enumerators that exist
          System.arraycopy("web\0".getBytes(StandardCharsets.US_ASCII), 0, key, 7, 4);
          System.arraycopy("eth0\0".getBytes(StandardCharsets.US_ASCII), 0, value, 36, 5);
          value[15] = (byte) 0xff; // size_class = TINY (-1 in a packed enum)
          value[16] = 0;
          value[17] = 0;
          value[18] = 0;
          value[19] = (byte) 0x80; // color = BLUE (0x80000000)
        }
        k.update("flows", key, value);
      }
      k.update("per_cpu", new byte[4], bytes(r, 64));
      k.update(".bss", new byte[4], bytes(r, 64));
      Map<String, Located> kernel = bpftoolDumps(bpftool, k.programId());
      BpfObject object = BpfObjectReader.read(obj);
      MapRegistry ours = new MapRegistry(new RegionRegistry(), k.possibleCpus());
      for (MapDefinition d : object.maps()) {
        ours.create(d);
      }
      for (var m : k.maps().values()) {
        BpfMap mine = ours.byName(m.name());
        assertNotNull(mine, "no map " + m.name() + " in xdpemu");
        for (var e : m.entries()) {
          mine.updatePerCpu(e.key(), e.values().toArray(byte[][]::new), BpfMap.BPF_ANY);
        }
      }
      Located written =
          JsonFiles.parse(
              MapsJson.write(
                  ours.all(), object.types(), object.datasecOffsets(), Integer.MAX_VALUE),
              "maps.json");
      int compared = 0;
      for (String name : List.of("flows", "per_cpu", ".bss", ".data")) {
        Located dump = kernel.get(name);
        assertNotNull(dump, "bpftool listed no map for " + name + ": " + kernel.keySet());
        Map<String, Located> byKey = new HashMap<>();
        for (Located e : written.get(name).asObject().get("entries").asArray()) {
          byKey.put(e.asObject().get("key").asString(), e.asObject().get("formatted"));
        }
        for (Located e : dump.asArray()) {
          String key = bpftoolHex(e.asObject().get("key"));
          Located ourFormatted = byKey.get(key);
          assertNotNull(ourFormatted, name + ": no entry with key " + key);
          assertEquals(
              canonical(e.asObject().get("formatted")),
              canonical(ourFormatted),
              name + " key " + key);
          compared++;
        }
      }
      assertEquals(6 + 2 + 1 + 1, compared, "entries compared");
    }
  }

  /** {@code bpftool -j map dump id N} of every map the program uses, by the object's map name. */
  private static Map<String, Located> bpftoolDumps(Path bpftool, int progId) throws Exception {
    Located prog =
        JsonFiles.parse(
                DisasmVsBpftoolTest.run(
                    bpftool.toString(), "-j", "prog", "show", "id", Integer.toString(progId)),
                "bpftool prog show")
            .asObject();
    Map<String, Located> dumps = new HashMap<>();
    for (Located id : prog.get("map_ids").asArray()) {
      String n = Long.toString(id.asLong());
      Located info =
          JsonFiles.parse(
                  DisasmVsBpftoolTest.run(bpftool.toString(), "-j", "map", "show", "id", n),
                  "bpftool map show")
              .asObject();
      String kernelName = info.get("name").asString();
      // libbpf names global data maps "<object prefix>.<section>" ("btf_valu.bss").
      String name =
          kernelName.contains(".") ? kernelName.substring(kernelName.indexOf('.')) : kernelName;
      String dump = DisasmVsBpftoolTest.run(bpftool.toString(), "-j", "map", "dump", "id", n);
      dumps.put(name, JsonFiles.parse(dump, "bpftool map dump id " + n));
    }
    assertFalse(dumps.isEmpty(), "the program uses no maps");
    return dumps;
  }

  /** bpftool's {@code ["0x01","0x02"]} as maps.json's {@code "0102"}. */
  private static String bpftoolHex(Located bytes) {
    StringBuilder b = new StringBuilder();
    for (Located v : bytes.asArray()) {
      b.append(v.asString().substring(2));
    }
    return b.toString();
  }

  /** Compact JSON text of a parsed value, keys in their order (numbers as written). */
  static String canonical(Located v) {
    switch (v.kind()) {
      case OBJECT:
        StringBuilder o = new StringBuilder("{");
        for (var m : v.members().entrySet()) {
          o.append(o.length() > 1 ? "," : "")
              .append(io.xdpemu.ebpf.jackson.JsonOut.quote(m.getKey()));
          o.append(':').append(canonical(m.getValue()));
        }
        return o.append('}').toString();
      case ARRAY:
        StringBuilder a = new StringBuilder("[");
        for (Located e : v) {
          a.append(a.length() > 1 ? "," : "").append(canonical(e));
        }
        return a.append(']').toString();
      case STRING:
        return io.xdpemu.ebpf.jackson.JsonOut.quote(v.asString());
      default:
        return v.describe();
    }
  }

  private static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  static String hex(byte[] b) {
    return HEX.formatHex(b);
  }
}
