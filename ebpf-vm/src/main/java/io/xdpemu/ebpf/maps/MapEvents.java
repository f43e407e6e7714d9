package io.xdpemu.ebpf.maps;

import io.xdpemu.ebpf.jackson.JsonOut;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The records programs sent to user space, collected from every ring buffer (in commit order per
 * ring, as a consumer sees them) and perf event array (in output order, with the CPU) of a map
 * registry, for the runtime to write out: one JSON object per record, {@code
 * {"map":"events","type":"ringbuf","data":"<hex>"}} or {@code {"map":"perf","type":
 * "perf_event_array","cpu":0,"index":0,"data":"<hex>"}}. Draining consumes the records.
 */
public final class MapEvents {
  private MapEvents() {}

  /** One record. {@code cpu} and {@code index} are -1 for ring buffers. */
  public record Event(String map, int type, int cpu, int index, byte[] data) {
    public String toJson() {
      return JsonOut.compact(
          g -> {
            g.writeStartObject();
            g.writeStringField("map", map);
            g.writeStringField("type", MapType.name(type));
            if (type == MapType.PERF_EVENT_ARRAY) {
              g.writeNumberField("cpu", cpu);
              g.writeNumberField("index", index);
            }
            g.writeStringField("data", HexFormat.of().formatHex(data));
            g.writeEndObject();
          });
    }
  }

  /** Drains every ring buffer and perf event array of {@code maps}, map by map. */
  public static List<Event> drain(MapRegistry maps) {
    List<Event> out = new ArrayList<>();
    for (BpfMap m : maps.all()) {
      if (m instanceof RingBufMap rb) {
        for (byte[] r : rb.poll()) {
          out.add(new Event(m.name(), m.type(), -1, -1, r));
        }
      } else if (m instanceof PerfEventArrayMap pe) {
        for (PerfEventArrayMap.Sample s : pe.drain()) {
          out.add(new Event(m.name(), m.type(), s.cpu(), s.index(), s.data()));
        }
      }
    }
    return out;
  }

  /** Opens every perf event array's per-CPU slots, as a perf buffer reader does before a run. */
  public static void openPerfBuffers(MapRegistry maps) {
    for (BpfMap m : maps.all()) {
      if (m instanceof PerfEventArrayMap pe) {
        pe.openAllCpus();
      }
    }
  }
}
