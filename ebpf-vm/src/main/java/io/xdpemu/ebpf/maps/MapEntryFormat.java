package io.xdpemu.ebpf.maps;

import com.fasterxml.jackson.core.JsonGenerator;
import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfValue;
import io.xdpemu.ebpf.btf.BtfValueDecoder;
import java.io.IOException;

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
    this.decoder =
        new BtfValueDecoder(
            btf,
            BtfValueDecoder.UnionFilter.ALL,
            datasec == null ? BtfValueDecoder.DatasecOffsets.AS_IN_BTF : datasec);
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

  void formatted(JsonGenerator g, BpfMap.Entry e) throws IOException {
    g.writeStartObject();
    if (keyType > 0) {
      g.writeFieldName("key");
      write(g, decoder.decode(keyType, e.key(), 0));
    }
    if (!perCpu) {
      g.writeFieldName("value");
      write(g, decoder.decode(valueType, e.values()[0], 0));
    } else {
      g.writeArrayFieldStart("values");
      for (int cpu = 0; cpu < e.values().length; cpu++) {
        g.writeStartObject();
        g.writeNumberField("cpu", cpu);
        g.writeFieldName("value");
        write(g, decoder.decode(valueType, e.values()[cpu], 0));
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void write(JsonGenerator g, BtfValue v) throws IOException {
    io.xdpemu.ebpf.jackson.BtfValueJson.write(g, v);
  }
}
