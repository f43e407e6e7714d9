package io.xdpemu.ebpf.maps;

import io.xdpemu.ebpf.ProgramRejectedException;
import io.xdpemu.ebpf.vm.RegionRegistry;

/**
 * Creates the map a {@link MapDefinition} describes (what BPF_MAP_CREATE does). {@code cpus} is the
 * number of CPUs, which in xdpemu is the number of RX queues: per-CPU maps get that many copies. A
 * definition the kernel would refuse (bad sizes, a type xdpemu does not emulate) is a {@link
 * ProgramRejectedException} naming the map.
 */
public final class MapFactory {
  private MapFactory() {}

  /**
   * What libbpf's bpf_object__create_map() adjusts before BPF_MAP_CREATE: a PERF_EVENT_ARRAY
   * declared with max_entries 0 gets one slot per possible CPU, and a RINGBUF size that is not a
   * power-of-2 multiple of the 4096-byte page is rounded up to the next one (adjust_ringbuf_sz).
   */
  static MapDefinition sizedAsLibbpfDoes(MapDefinition d, int cpus) {
    int n = d.maxEntries();
    if (d.type() == MapType.PERF_EVENT_ARRAY && n == 0) {
      n = cpus;
    } else if (d.type() == MapType.RINGBUF && n > 0) {
      long sz = Integer.toUnsignedLong(n);
      boolean ok = sz % PAGE == 0 && Long.bitCount(sz / PAGE) == 1;
      if (!ok) {
        for (long mul = 1; mul * PAGE <= 0xffffffffL; mul <<= 1) {
          if (mul * PAGE > sz) {
            n = (int) (mul * PAGE);
            break;
          }
        }
      }
    }
    return n == d.maxEntries() ? d : d.withMaxEntries(n);
  }

  private static final long PAGE = 4096;

  /** Creates a map outside any registry (its handle is not resolvable by helpers). */
  public static BpfMap create(MapDefinition def, int cpus, RegionRegistry regions) {
    return create(def, cpus, regions, new MapRegistry(regions, cpus));
  }

  static BpfMap create(
      MapDefinition declared, int cpus, RegionRegistry regions, MapRegistry owner) {
    MapDefinition def = sizedAsLibbpfDoes(declared, cpus);
    if (def.maxEntries() <= 0) {
      throw new ProgramRejectedException(
          "map '"
              + def.name()
              + "': max_entries "
              + Integer.toUnsignedString(def.maxEntries())
              + " (the kernel refuses 0; set it in the map definition or size it before loading)");
    }
    try {
      return createSized(def, cpus, regions, owner);
    } catch (OutOfMemoryError e) { // the bookkeeping a map allocates up front (LRU lists, rings)
      int copies = MapType.isPerCpu(def.type()) ? cpus : 1;
      throw new MapMemoryException(def.name(), def.maxEntries(), def.valueSize(), copies);
    }
  }

  private static BpfMap createSized(
      MapDefinition def, int cpus, RegionRegistry regions, MapRegistry owner) {
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
