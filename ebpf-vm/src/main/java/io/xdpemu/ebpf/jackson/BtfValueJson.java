package io.xdpemu.ebpf.jackson;

import com.fasterxml.jackson.core.JsonGenerator;
import io.xdpemu.ebpf.btf.BtfValue;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * A {@link BtfValue} as JSON, the way bpftool's {@code "formatted"} object holds it: structs as
 * objects by member name, arrays as arrays, numbers as numbers (u64 values in full), strings and
 * bools as such. A name met twice in one object (two anonymous members, both "") gets {@code #2},
 * {@code #3}... so that the object stays JSON that --map-init reads back (it refuses duplicate
 * keys).
 */
public final class BtfValueJson {
  private BtfValueJson() {}

  public static void write(JsonGenerator g, BtfValue v) throws IOException {
    if (v instanceof BtfValue.Number n) {
      g.writeNumber(n.literal());
    } else if (v instanceof BtfValue.Text t) {
      g.writeString(t.text());
    } else if (v instanceof BtfValue.Bool x) {
      g.writeBoolean(x.value());
    } else if (v instanceof BtfValue.Items items) {
      g.writeStartArray();
      for (BtfValue i : items.items()) {
        write(g, i);
      }
      g.writeEndArray();
    } else {
      g.writeStartObject();
      Set<String> seen = new HashSet<>();
      for (BtfValue.Field f : ((BtfValue.Fields) v).fields()) {
        String name = f.name();
        for (int n = 2; !seen.add(name); n++) {
          name = f.name() + "#" + n;
        }
        g.writeFieldName(name);
        write(g, f.value());
      }
      g.writeEndObject();
    }
  }
}
