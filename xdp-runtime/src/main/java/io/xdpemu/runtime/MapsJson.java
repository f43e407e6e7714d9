package io.xdpemu.runtime;

import io.xdpemu.ebpf.json.JsonArray;
import io.xdpemu.ebpf.json.JsonObject;
import io.xdpemu.ebpf.json.JsonReader;
import io.xdpemu.ebpf.json.JsonString;
import io.xdpemu.ebpf.json.JsonValue;
import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.ebpf.maps.MapRegistry;
import io.xdpemu.ebpf.maps.MapType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The {@code maps.json} format of the CLI contract, written after a run and read by {@code
 * --map-init}:
 *
 * <pre>
 * {"&lt;map name&gt;":{"type":"hash","key_size":k,"value_size":v,
 *                  "entries":[{"key":"&lt;hex&gt;","value":"&lt;hex&gt;"}]}}
 * </pre>
 *
 * Per-CPU maps carry {@code "values":["&lt;hex&gt;",...]} (one per CPU = RX queue) instead of
 * {@code "value"}. Global-data sections appear under their section names. Maps are written in
 * creation order and entries sorted by key bytes (unsigned), so the file does not depend on hash
 * iteration order or thread scheduling. Hex is lowercase, bytes in memory order.
 */
public final class MapsJson {
  private MapsJson() {}

  private static final HexFormat HEX = HexFormat.of();

  /** Compact JSON text (one line, trailing newline). */
  public static String write(MapRegistry maps) {
    StringBuilder s = new StringBuilder(256).append('{');
    boolean firstMap = true;
    for (BpfMap m : maps.all()) {
      if (!firstMap) {
        s.append(',');
      }
      firstMap = false;
      s.append(JsonStrings.quote(m.name()));
      s.append(":{\"type\":\"").append(MapType.name(m.type())).append('"');
      s.append(",\"key_size\":").append(m.keySize());
      s.append(",\"value_size\":").append(m.valueSize());
      s.append(",\"entries\":[");
      List<BpfMap.Entry> entries = new ArrayList<>(m.entries());
      entries.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
      for (int i = 0; i < entries.size(); i++) {
        BpfMap.Entry e = entries.get(i);
        s.append(i == 0 ? "" : ",").append("{\"key\":\"").append(HEX.formatHex(e.key()));
        if (m.perCpu()) {
          s.append("\",\"values\":[");
          for (int c = 0; c < e.values().length; c++) {
            s.append(c == 0 ? "\"" : ",\"").append(HEX.formatHex(e.values()[c])).append('"');
          }
          s.append("]}");
        } else {
          s.append("\",\"value\":\"").append(HEX.formatHex(e.values()[0])).append("\"}");
        }
      }
      s.append("]}");
    }
    return s.append("}\n").toString();
  }

  /**
   * Loads a maps.json file into the maps: every entry is a {@code BPF_MAP_UPDATE_ELEM} with
   * BPF_ANY. A map named in the file must exist and key/value sizes must match; a per-CPU value
   * given once ({@code "value"}) is written to every CPU.
   */
  public static void load(Path file, MapRegistry maps) {
    JsonObject root = JsonReader.read(file).asObject();
    for (String name : root.keys()) {
      JsonObject m = root.get(name).asObject();
      BpfMap map = maps.byName(name);
      if (map == null) {
        throw m.at().error("no map named '" + name + "' in the object (maps: "
            + String.join(", ", maps.all().stream().map(BpfMap::name).toList()) + ")");
      }
      m.allowOnly("type", "key_size", "value_size", "entries");
      if (m.has("key_size") && m.get("key_size").asInt() != map.keySize()) {
        throw m.get("key_size").at().error("map '" + name + "' has key_size " + map.keySize());
      }
      if (m.has("value_size") && m.get("value_size").asInt() != map.valueSize()) {
        throw m.get("value_size").at().error(
            "map '" + name + "' has value_size " + map.valueSize());
      }
      if (!m.has("entries")) {
        continue;
      }
      JsonArray entries = m.get("entries").asArray();
      for (JsonValue ev : entries.elements()) {
        JsonObject e = ev.asObject();
        e.allowOnly("key", "value", "values");
        byte[] key = hex(e.require("key"), map.keySize(), "key of map '" + name + "'");
        int rc;
        if (e.has("values")) {
          List<JsonValue> vs = e.get("values").asArray().elements();
          int cpus = map.perCpu() ? map.cpus() : 1;
          if (vs.size() != cpus && !(map.perCpu() && vs.size() > cpus)) {
            throw e.get("values").at().error(
                "map '" + name + "' needs " + cpus + " values (one per CPU), got " + vs.size());
          }
          byte[][] values = new byte[cpus][];
          for (int c = 0; c < cpus; c++) {
            values[c] = hex(vs.get(c), map.valueSize(), "value of map '" + name + "'");
          }
          rc = map.updatePerCpu(key, values, BpfMap.BPF_ANY);
        } else {
          byte[] v = hex(e.require("value"), map.valueSize(), "value of map '" + name + "'");
          if (map.perCpu()) {
            byte[][] values = new byte[map.cpus()][];
            Arrays.fill(values, v);
            rc = map.updatePerCpu(key, values, BpfMap.BPF_ANY);
          } else {
            rc = map.update(key, v, BpfMap.BPF_ANY);
          }
        }
        if (rc < 0) {
          throw e.at().error("updating map '" + name + "' failed with errno " + (-rc));
        }
      }
    }
  }

  private static byte[] hex(JsonValue v, int size, String what) {
    String s = v.asString().replace(" ", "");
    if (s.startsWith("0x")) {
      s = s.substring(2);
    }
    byte[] b;
    try {
      b = HEX.parseHex(s);
    } catch (IllegalArgumentException e) {
      throw v.at().error(what + " is not hex: " + ((JsonString) v).value());
    }
    if (b.length != size) {
      throw v.at().error(what + " has " + b.length + " bytes, want " + size);
    }
    return b;
  }
}
