package io.xdpemu.ebpf.maps;

import io.xdpemu.ebpf.json.JsonArray;
import io.xdpemu.ebpf.json.JsonNumber;
import io.xdpemu.ebpf.json.JsonObject;
import io.xdpemu.ebpf.json.JsonString;
import io.xdpemu.ebpf.json.JsonValue;
import io.xdpemu.ebpf.vm.Program;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The maps.json format (docs/cli.md), written for {@code --out}/{@code --maps-out} and read for
 * {@code --map-init}:
 *
 * <pre>
 * {"&lt;map name&gt;": {"type": "hash", "key_size": 4, "value_size": 8, "max_entries": 1024,
 *                   "entries": [{"key": "0a000001", "value": "0100000000000000"}]}}
 * </pre>
 *
 * Keys and values are lowercase hex of the raw bytes (host byte order as the program stores them).
 * Per-CPU maps write {@code "values": ["..", ..]}, one per CPU (= RX queue); on input a single
 * {@code "value"} is accepted for them too and goes to every CPU. Queue and stack maps list their
 * elements in pop order with an empty key; on input they are pushed in file order. Ring buffer and
 * perf event arrays have no entries here (their records go to their own files). On input, a
 * PROG_ARRAY entry may name a program ({@code "program": "name"}) and a map-in-map entry an inner
 * map ({@code "map": "name"}) instead of giving an id as value. Every entry is applied with
 * BPF_ANY; a rejected update is an error naming the file position and the errno.
 */
public final class MapsJson {
  private static final HexFormat HEX = HexFormat.of();

  private MapsJson() {}

  /** The maps.json object for {@code maps}, in the given order. */
  public static JsonObject write(List<BpfMap> maps) {
    return write(maps, null, null);
  }

  /**
   * The maps.json object; with the object's BTF ({@code btf} non-null), every entry of a map that
   * has key or value types gets {@code "formatted"} beside its hex, as {@code bpftool -j map dump}
   * prints it (see {@link MapEntryFormat}); {@code datasec} places global variables (the object's
   * {@code datasecOffsets()}).
   */
  public static JsonObject write(
      List<BpfMap> maps,
      io.xdpemu.ebpf.btf.Btf btf,
      io.xdpemu.ebpf.btf.BtfValueDecoder.DatasecOffsets datasec) {
    JsonObject.Builder root = JsonObject.builder();
    for (BpfMap m : maps) {
      root.put(m.name(), describe(m, MapEntryFormat.of(m, btf, datasec)));
    }
    return root.build();
  }

  public static JsonObject describe(BpfMap m) {
    return describe(m, null);
  }

  private static JsonObject describe(BpfMap m, MapEntryFormat format) {
    List<JsonValue> entries = new ArrayList<>();
    for (BpfMap.Entry e : m.entries()) {
      JsonObject.Builder b = JsonObject.builder().put("key", HEX.formatHex(e.key()));
      if (m.perCpu()) {
        List<JsonValue> vs = new ArrayList<>();
        for (byte[] v : e.values()) {
          vs.add(JsonString.of(HEX.formatHex(v)));
        }
        b.put("values", JsonArray.of(vs));
      } else {
        b.put("value", HEX.formatHex(e.values()[0]));
      }
      if (format != null) {
        b.put("formatted", format.formatted(e));
      }
      entries.add(b.build());
    }
    return JsonObject.builder()
        .put("type", MapType.name(m.type()))
        .put("key_size", (long) m.keySize())
        .put("value_size", (long) m.valueSize())
        .put("max_entries", JsonNumber.of(m.maxEntries()))
        .put("entries", JsonArray.of(entries))
        .build();
  }

  /** Applies a map-init document to the maps of {@code registry}. */
  public static void apply(JsonValue doc, MapRegistry registry) {
    JsonObject root = doc.asObject();
    for (String name : root.keys()) {
      JsonValue spec = root.get(name);
      BpfMap m = registry.byName(name);
      if (m == null) {
        throw spec.at().error("no map named '" + name + "' in the program");
      }
      applyOne(spec.asObject(), m, registry);
    }
  }

  private static void applyOne(JsonObject o, BpfMap m, MapRegistry registry) {
    o.allowOnly("type", "key_size", "value_size", "max_entries", "entries");
    if (o.has("type") && MapType.byName(o.get("type").asString()) != m.type()) {
      throw o.get("type")
          .at()
          .error(
              "map '"
                  + m.name()
                  + "' is a "
                  + MapType.name(m.type())
                  + ", not "
                  + o.get("type").asString());
    }
    if (o.has("key_size") && o.get("key_size").asInt() != m.keySize()) {
      throw o.get("key_size").at().error("map '" + m.name() + "' has key_size " + m.keySize());
    }
    if (o.has("value_size") && o.get("value_size").asInt() != m.valueSize()) {
      throw o.get("value_size")
          .at()
          .error("map '" + m.name() + "' has value_size " + m.valueSize());
    }
    if (!o.has("entries")) {
      return;
    }
    for (JsonValue ev : o.get("entries").asArray()) {
      JsonObject e = ev.asObject();
      // "formatted" is what maps.json shows by field name; the hex beside it is what counts.
      e.allowOnly("key", "value", "values", "program", "map", "formatted");
      int rc = applyEntry(e, m, registry);
      if (rc < 0) {
        throw e.at()
            .error(
                "map '" + m.name() + "': update failed with " + rc + " (" + errnoName(-rc) + ")");
      }
    }
  }

  private static int applyEntry(JsonObject e, BpfMap m, MapRegistry registry) {
    byte[] key = hex(e, "key", m.keySize(), m);
    if (m instanceof QueueStackMap q) {
      return (int) q.push(hex(e, "value", m.valueSize(), m), BpfMap.BPF_ANY);
    }
    if (e.has("program")) {
      if (!(m instanceof ProgArrayMap pa)) {
        throw e.at().error("map '" + m.name() + "' is not a prog_array");
      }
      Program p = registry.programByName(e.get("program").asString());
      if (p == null) {
        throw e.get("program").at().error("no program named '" + e.get("program").asString() + "'");
      }
      return pa.setProgram(BpfMap.u32(key, 0), p);
    }
    if (e.has("map")) {
      if (!(m instanceof MapOfMaps mm)) {
        throw e.at().error("map '" + m.name() + "' is not a map-in-map");
      }
      BpfMap inner = registry.byName(e.get("map").asString());
      if (inner == null) {
        throw e.get("map").at().error("no map named '" + e.get("map").asString() + "'");
      }
      return mm.setInner(key, inner, BpfMap.BPF_ANY);
    }
    if (e.has("values")) {
      if (!m.perCpu()) {
        throw e.at().error("map '" + m.name() + "' is not per-CPU: use \"value\"");
      }
      JsonArray vs = e.get("values").asArray();
      if (vs.size() != m.cpus()) {
        throw vs.at()
            .error(
                "map '" + m.name() + "' has " + m.cpus() + " CPUs, got " + vs.size() + " values");
      }
      byte[][] values = new byte[vs.size()][];
      for (int i = 0; i < values.length; i++) {
        values[i] = hexOf(vs.get(i), m.valueSize(), m, "value");
      }
      return m.updatePerCpu(key, values, BpfMap.BPF_ANY);
    }
    return m.update(key, hex(e, "value", m.valueSize(), m), BpfMap.BPF_ANY);
  }

  private static byte[] hex(JsonObject e, String field, int size, BpfMap m) {
    if (!e.has(field)) {
      if (size == 0) {
        return new byte[0];
      }
      throw e.at().error("map '" + m.name() + "' entry needs \"" + field + "\"");
    }
    return hexOf(e.get(field), size, m, field);
  }

  private static byte[] hexOf(JsonValue v, int size, BpfMap m, String field) {
    String s = v.asString().replace(" ", "");
    byte[] b;
    try {
      b = HEX.parseHex(s);
    } catch (IllegalArgumentException ex) {
      throw v.at().error("map '" + m.name() + "': " + field + " is not hex: " + s);
    }
    if (b.length != size) {
      throw v.at()
          .error(
              "map '" + m.name() + "': " + field + " has " + b.length + " bytes, expected " + size);
    }
    return b;
  }

  static String errnoName(int errno) {
    switch (errno) {
      case Errno.E2BIG:
        return "E2BIG";
      case Errno.EEXIST:
        return "EEXIST";
      case Errno.ENOENT:
        return "ENOENT";
      case Errno.EINVAL:
        return "EINVAL";
      case Errno.ENOSPC:
        return "ENOSPC";
      case Errno.EBADF:
        return "EBADF";
      case Errno.ENODEV:
        return "ENODEV";
      case Errno.EOVERFLOW:
        return "EOVERFLOW";
      default:
        return "errno " + errno;
    }
  }
}
