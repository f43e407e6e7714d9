package io.xdpemu.ebpf.maps;

import io.xdpemu.ebpf.ProgramRejectedException;
import io.xdpemu.ebpf.vm.RegionRegistry;

/**
 * Creates the map a {@link MapDefinition} describes (what BPF_MAP_CREATE does). {@code cpus} is the
 * number of CPUs, which in xdpemu is the number of RX queues: per-CPU maps get that many copies.
 * A definition the kernel would refuse (bad sizes, a type xdpemu does not emulate) is a {@link
 * ProgramRejectedException} naming the map.
 */
public final class MapFactory {
  private MapFactory() {}

  /** Creates a map outside any registry (its handle is not resolvable by helpers). */
  public static BpfMap create(MapDefinition def, int cpus, RegionRegistry regions) {
    return create(def, cpus, regions, new MapRegistry(regions, cpus));
  }

  static BpfMap create(MapDefinition def, int cpus, RegionRegistry regions, MapRegistry owner) {
    if (def.maxEntries() < 0) {
      throw new ProgramRejectedException(
          "map '" + def.name() + "': negative max_entries " + def.maxEntries());
    }
    return switch (def.type()) {
      case MapType.ARRAY, MapType.PERCPU_ARRAY -> new ArrayMap(def, cpus, regions);
      case MapType.HASH, MapType.PERCPU_HASH, MapType.LRU_HASH, MapType.LRU_PERCPU_HASH ->
          new HashTableMap(def, cpus, regions);
      case MapType.LPM_TRIE -> new LpmTrieMap(def, cpus, regions);
      case MapType.PROG_ARRAY -> new ProgArrayMap(def, cpus, regions, owner);
      case MapType.DEVMAP, MapType.DEVMAP_HASH, MapType.CPUMAP, MapType.XSKMAP ->
          new RedirectMap(def, cpus, regions, owner);
      case MapType.RINGBUF -> new RingBufMap(def, cpus, regions);
      case MapType.PERF_EVENT_ARRAY -> new PerfEventArrayMap(def, cpus, regions);
      case MapType.QUEUE, MapType.STACK -> new QueueStackMap(def, cpus, regions);
      case MapType.ARRAY_OF_MAPS, MapType.HASH_OF_MAPS -> new MapOfMaps(def, cpus, regions, owner);
      default ->
          throw new ProgramRejectedException(
              "map '"
                  + def.name()
                  + "': map type "
                  + MapType.name(def.type())
                  + " ("
                  + def.type()
                  + ") is not supported by xdpemu");
    };
  }
}
