package io.xdpemu.ebpf.maps;

import io.xdpemu.ebpf.ProgramRejectedException;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * BPF_MAP_TYPE_ARRAY_OF_MAPS and HASH_OF_MAPS (kernel/bpf/map_in_map.c, arraymap.c, hashtab.c). A
 * value is an inner map; from the host it is written as the inner map's id ({@link MapRegistry#id},
 * standing in for the fd the syscall takes and the id bpftool dumps). A program's lookup returns
 * the inner map's handle, which it passes to the map helpers (array_of_map_lookup_elem returns the
 * inner {@code struct bpf_map *}). The inner map must match the template's type, key and value
 * sizes (bpf_map_meta_equal; max_entries may differ), else -EINVAL.
 *
 * <p>Updates: the array form follows fd_array_map_update_elem (only BPF_ANY, -E2BIG past the end,
 * delete of an empty slot -ENOENT); the hash form follows htab_map_update_elem (NOEXIST/EXIST,
 * -E2BIG when full).
 */
public final class MapOfMaps extends BpfMap {
  private final boolean hashed;
  private final ConcurrentHashMap<ByteKey, BpfMap> inner = new ConcurrentHashMap<>();
  private final MapRegistry owner;

  MapOfMaps(MapDefinition def, int cpus, RegionRegistry regions, MapRegistry owner) {
    super(def, cpus, regions);
    this.hashed = def.type() == MapType.HASH_OF_MAPS;
    this.owner = owner;
    if (def.valueSize() != 4 || def.keySize() <= 0 || def.maxEntries() <= 0) {
      throw new ProgramRejectedException(
          "map '" + def.name() + "': map-in-map needs value_size 4 and max_entries > 0");
    }
    if (!hashed && def.keySize() != 4) {
      throw new ProgramRejectedException(
          "map '" + def.name() + "': array_of_maps key_size must be 4");
    }
  }

  /** The inner map under {@code key}, or null. */
  public BpfMap inner(byte[] key) {
    return keyOk(key) ? inner.get(new ByteKey(key)) : null;
  }

  @Override
  public long lookupFromProgram(ExecutionContext ctx, byte[] key) {
    BpfMap m = inner.get(new ByteKey(key));
    return m == null ? 0 : m.handle();
  }

  @Override
  public byte[][] lookupPerCpu(byte[] key) {
    BpfMap m = inner(key);
    return m == null ? null : new byte[][] {le32(owner.id(m))};
  }

  /** Host: stores an inner map directly. */
  public int setInner(byte[] key, BpfMap map, long flags) {
    return put(key, map, flags);
  }

  @Override
  public int updatePerCpu(byte[] key, byte[][] values, long flags) {
    if (!keyOk(key) || !valueOk(values)) {
      return -Errno.EINVAL;
    }
    BpfMap m = owner.byId(u32(values[0], 0));
    if (m == null) {
      return -Errno.EBADF;
    }
    return put(key, m, flags);
  }

  private synchronized int put(byte[] key, BpfMap m, long flags) {
    if (!keyOk(key)) {
      return -Errno.EINVAL;
    }
    MapDefinition t = def.inner();
    if (t != null
        && (t.type() != m.type() || t.keySize() != m.keySize() || t.valueSize() != m.valueSize())) {
      return -Errno.EINVAL;
    }
    ByteKey k = new ByteKey(key.clone());
    if (!hashed) {
      if (flags != BPF_ANY) {
        return -Errno.EINVAL;
      }
      if (Integer.compareUnsigned(u32(key, 0), maxEntries()) >= 0) {
        return -Errno.E2BIG;
      }
    } else {
      if (flags > BPF_EXIST || flags < 0) {
        return -Errno.EINVAL;
      }
      boolean has = inner.containsKey(k);
      if (has && flags == BPF_NOEXIST) {
        return -Errno.EEXIST;
      }
      if (!has && flags == BPF_EXIST) {
        return -Errno.ENOENT;
      }
      if (!has && inner.size() >= maxEntries()) {
        return -Errno.E2BIG;
      }
    }
    inner.put(k, m);
    return 0;
  }

  @Override
  public int delete(byte[] key) {
    if (!keyOk(key)) {
      return -Errno.EINVAL;
    }
    if (!hashed && Integer.compareUnsigned(u32(key, 0), maxEntries()) >= 0) {
      return -Errno.E2BIG;
    }
    return inner.remove(new ByteKey(key)) != null ? 0 : -Errno.ENOENT;
  }

  @Override
  public long deleteFromProgram(ExecutionContext ctx, byte[] key) {
    return hashed ? delete(key) : -Errno.EINVAL;
  }

  @Override
  public List<byte[]> keys() {
    List<ByteKey> ks = new ArrayList<>(inner.keySet());
    if (hashed) {
      java.util.Collections.sort(ks);
    } else {
      ks.sort((a, b) -> Integer.compareUnsigned(u32(a.bytes, 0), u32(b.bytes, 0)));
    }
    List<byte[]> out = new ArrayList<>();
    for (ByteKey k : ks) {
      out.add(k.bytes.clone());
    }
    return out;
  }
}
