package io.xdpemu.ebpf.maps;

import com.fasterxml.jackson.core.JsonGenerator;
import io.xdpemu.ebpf.jackson.JsonOut;
import io.xdpemu.ebpf.jackson.Located;
import io.xdpemu.ebpf.vm.Program;
import java.io.IOException;
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

  /** The maps.json text for {@code maps}, in the given order: compact, one line, no newline. */
  public static String write(List<BpfMap> maps) {
    return write(maps, null, null, Integer.MAX_VALUE);
  }

  /**
   * The maps.json text; with the object's BTF ({@code btf} non-null), every entry of a map that has
   * a value type gets {@code "formatted"} beside its hex, as {@code bpftool -j map dump} prints it
   * (see {@link MapEntryFormat}); {@code datasec} places global variables (the object's {@code
   * datasecOffsets()}). At most {@code maxEntries} entries per map are written; a map that has more
   * also gets {@code "entries_total"} (report.html shows the first ones; maps.json has all).
   */
  public static String write(
      List<BpfMap> maps,
      io.xdpemu.ebpf.btf.Btf btf,
      io.xdpemu.ebpf.btf.BtfValueDecoder.DatasecOffsets datasec,
      int maxEntries) {
    return JsonOut.compact(
        g -> {
          g.writeStartObject();
          for (BpfMap m : maps) {
            g.writeFieldName(m.name());
            describe(g, m, MapEntryFormat.of(m, btf, datasec), maxEntries);
          }
          g.writeEndObject();
        });
  }

  /** One map's object. */
  public static void describe(JsonGenerator g, BpfMap m) throws IOException {
    describe(g, m, null, Integer.MAX_VALUE);
  }

  private static void describe(JsonGenerator g, BpfMap m, MapEntryFormat format, int maxEntries)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("type", MapType.name(m.type()));
    g.writeNumberField("key_size", m.keySize());
    g.writeNumberField("value_size", m.valueSize());
    g.writeNumberField("max_entries", m.maxEntries());
    g.writeArrayFieldStart("entries");
    List<BpfMap.Entry> entries = m.entries();
    for (BpfMap.Entry e : entries.subList(0, Math.min(maxEntries, entries.size()))) {
      g.writeStartObject();
      g.writeStringField("key", HEX.formatHex(e.key()));
      if (m.perCpu()) {
        g.writeArrayFieldStart("values");
        for (byte[] v : e.values()) {
          g.writeString(HEX.formatHex(v));
        }
        g.writeEndArray();
      } else {
        g.writeStringField("value", HEX.formatHex(e.values()[0]));
      }
      if (format != null) {
        g.writeFieldName("formatted");
        format.formatted(g, e);
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    if (entries.size() > maxEntries) {
      g.writeNumberField("entries_total", entries.size());
    }
    g.writeEndObject();
  }

  /** Applies a map-init document to the maps of {@code registry}. */
  public static void apply(Located doc, MapRegistry registry) {
    Located root = doc.asObject();
    for (String name : root.keys()) {
      Located spec = root.get(name);
      BpfMap m = registry.byName(name);
      if (m == null) {
        throw spec.at().error("no map named '" + name + "' in the program");
      }
      applyOne(spec.asObject(), m, registry);
    }
  }

  private static void applyOne(Located o, BpfMap m, MapRegistry registry) {
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
    for (Located ev : o.get("entries").asArray()) {
      Located e = ev.asObject();
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

  private static int applyEntry(Located e, BpfMap m, MapRegistry registry) {
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
      Located vs = e.get("values").asArray();
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

  private static byte[] hex(Located e, String field, int size, BpfMap m) {
    if (!e.has(field)) {
      if (size == 0) {
        return new byte[0];
      }
      throw e.at().error("map '" + m.name() + "' entry needs \"" + field + "\"");
    }
    return hexOf(e.get(field), size, m, field);
  }

  private static byte[] hexOf(Located v, int size, BpfMap m, String field) {
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
