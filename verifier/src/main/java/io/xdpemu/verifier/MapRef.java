package io.xdpemu.verifier;

import io.xdpemu.ebpf.maps.MapDefinition;

/**
 * A map a program refers to, as the verifier sees it: the loader's definition plus the index the
 * caller gave it (used as the map's identity, like the kernel's {@code map_ptr}).
 */
public record MapRef(int index, MapDefinition def) {
  public String name() {
    return def.name();
  }

  public int keySize() {
    return def.keySize();
  }

  public int valueSize() {
    return def.valueSize();
  }

  public int type() {
    return def.type();
  }

  public int maxEntries() {
    return def.maxEntries();
  }
}
