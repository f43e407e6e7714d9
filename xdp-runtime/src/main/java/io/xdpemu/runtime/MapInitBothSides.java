package io.xdpemu.runtime;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.ebpf.jackson.JsonFiles;
import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.ebpf.maps.MapType;
import io.xdpemu.oracle.KernelOracle;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code diff --map-init FILE} for the kernel side: the emulator applies the file when it loads
 * (MapsJson, which validates it against the maps); the same entries are then stored into the
 * kernel's maps of those names, per-CPU values one per CPU, so both sides start from one state.
 */
final class MapInitBothSides {
  private MapInitBothSides() {}

  static void apply(Path mapInit, LoadPipeline.Loaded emu, KernelOracle kernel) {
    for (String name : JsonFiles.read(mapInit).asObject().keys()) {
      BpfMap m = emu.maps().byName(name);
      if (m.type() == MapType.PROG_ARRAY
          || m.type() == MapType.ARRAY_OF_MAPS
          || m.type() == MapType.HASH_OF_MAPS
          || m.type() == MapType.QUEUE
          || m.type() == MapType.STACK) {
        throw new UsageException(
            "diff: --map-init of map '"
                + name
                + "' ("
                + MapType.name(m.type())
                + ") cannot be given to the kernel side the same way; run without it");
      }
      for (BpfMap.Entry e : m.populatedEntries()) { // array zeros: as created
        kernel.update(name, e.key(), concat(List.of(e.values())));
      }
    }
  }

  private static byte[] concat(List<byte[]> values) {
    int n = 0;
    for (byte[] v : values) {
      n += v.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] v : values) {
      System.arraycopy(v, 0, out, at, v.length);
      at += v.length;
    }
    return out;
  }
}
