package io.xdpemu.ebpf.maps;

import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfValue;
import io.xdpemu.ebpf.btf.BtfValueDecoder;
import io.xdpemu.ebpf.json.JsonArray;
import io.xdpemu.ebpf.json.JsonBool;
import io.xdpemu.ebpf.json.JsonNumber;
import io.xdpemu.ebpf.json.JsonObject;
import io.xdpemu.ebpf.json.JsonString;
import io.xdpemu.ebpf.json.JsonValue;
import io.xdpemu.ebpf.json.Position;
import java.util.ArrayList;
import java.util.List;

/**
 * A map entry by field name: bpftool's {@code do_dump_btf()} object, {@code {"key": K, "value": V}}
 * or for per-CPU maps {@code {"key": K, "values": [{"cpu": 0, "value": V}, ...]}}, where K and V
 * are the bytes read through the map's BTF key and value types ({@link BtfValueDecoder}). A map
 * without a key type (global data: libbpf gives it only the DATASEC as value type) has no {@code
 * "key"}, as in bpftool.
 */
final class MapEntryFormat {
  private final BtfValueDecoder decoder;
  private final int keyType;
  private final int valueType;
  private final boolean perCpu;

  private MapEntryFormat(
      Btf btf, BtfValueDecoder.DatasecOffsets datasec, int keyType, int valueType, boolean perCpu) {
    this.decoder = new BtfValueDecoder(btf, BtfValueDecoder.UnionFilter.ALL, datasec);
    this.keyType = keyType;
    this.valueType = valueType;
    this.perCpu = perCpu;
  }

  /** The format for {@code m}, or null when there is no BTF or the map has no value type. */
  static MapEntryFormat of(BpfMap m, Btf btf, BtfValueDecoder.DatasecOffsets datasec) {
    if (btf == null || m.definition().valueBtfId() <= 0) {
      return null;
    }
    return new MapEntryFormat(
        btf, datasec, m.definition().keyBtfId(), m.definition().valueBtfId(), m.perCpu());
  }

  JsonObject formatted(BpfMap.Entry e) {
    JsonObject.Builder b = JsonObject.builder();
    if (keyType > 0) {
      b.put("key", json(decoder.decode(keyType, e.key(), 0)));
    }
    if (!perCpu) {
      b.put("value", json(decoder.decode(valueType, e.values()[0], 0)));
    } else {
      List<JsonValue> vs = new ArrayList<>();
      for (int cpu = 0; cpu < e.values().length; cpu++) {
        vs.add(
            JsonObject.builder()
                .put("cpu", (long) cpu)
                .put("value", json(decoder.decode(valueType, e.values()[cpu], 0)))
                .build());
      }
      b.put("values", JsonArray.of(vs));
    }
    return b.build();
  }

  /**
   * The tree as JSON values. Member names are kept; a name met twice in one object (two anonymous
   * members, both "") gets {@code #2}, {@code #3}... so that no value is lost in a JSON object.
   */
  static JsonValue json(BtfValue v) {
    if (v instanceof BtfValue.Number n) {
      return new JsonNumber(n.literal(), Position.NONE);
    }
    if (v instanceof BtfValue.Text t) {
      return JsonString.of(t.text());
    }
    if (v instanceof BtfValue.Bool x) {
      return JsonBool.of(x.value());
    }
    if (v instanceof BtfValue.Items items) {
      List<JsonValue> out = new ArrayList<>();
      for (BtfValue i : items.items()) {
        out.add(json(i));
      }
      return JsonArray.of(out);
    }
    JsonObject.Builder b = JsonObject.builder();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (BtfValue.Field f : ((BtfValue.Fields) v).fields()) {
      String name = f.name();
      for (int n = 2; !seen.add(name); n++) {
        name = f.name() + "#" + n;
      }
      b.put(name, json(f.value()));
    }
    return b.build();
  }
}
