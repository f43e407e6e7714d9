package io.xdpemu.ebpf.maps;

import java.util.Locale;

/**
 * Kernel {@code enum bpf_map_type} values (include/uapi/linux/bpf.h) and the names bpftool prints
 * for them ({@code map_type_name[]} in libbpf), which maps.json uses in its {@code "type"} field.
 */
public final class MapType {
  public static final int HASH = 1;
  public static final int ARRAY = 2;
  public static final int PROG_ARRAY = 3;
  public static final int PERF_EVENT_ARRAY = 4;
  public static final int PERCPU_HASH = 5;
  public static final int PERCPU_ARRAY = 6;
  public static final int STACK_TRACE = 7;
  public static final int CGROUP_ARRAY = 8;
  public static final int LRU_HASH = 9;
  public static final int LRU_PERCPU_HASH = 10;
  public static final int LPM_TRIE = 11;
  public static final int ARRAY_OF_MAPS = 12;
  public static final int HASH_OF_MAPS = 13;
  public static final int DEVMAP = 14;
  public static final int SOCKMAP = 15;
  public static final int CPUMAP = 16;
  public static final int XSKMAP = 17;
  public static final int SOCKHASH = 18;
  public static final int CGROUP_STORAGE = 19;
  public static final int REUSEPORT_SOCKARRAY = 20;
  public static final int PERCPU_CGROUP_STORAGE = 21;
  public static final int QUEUE = 22;
  public static final int STACK = 23;
  public static final int SK_STORAGE = 24;
  public static final int DEVMAP_HASH = 25;
  public static final int STRUCT_OPS = 26;
  public static final int RINGBUF = 27;

  private static final String[] NAMES = {
    "unspec",
    "hash",
    "array",
    "prog_array",
    "perf_event_array",
    "percpu_hash",
    "percpu_array",
    "stack_trace",
    "cgroup_array",
    "lru_hash",
    "lru_percpu_hash",
    "lpm_trie",
    "array_of_maps",
    "hash_of_maps",
    "devmap",
    "sockmap",
    "cpumap",
    "xskmap",
    "sockhash",
    "cgroup_storage",
    "reuseport_sockarray",
    "percpu_cgroup_storage",
    "queue",
    "stack",
    "sk_storage",
    "devmap_hash",
    "struct_ops",
    "ringbuf"
  };

  private MapType() {}

  /** bpftool's name for a map type, or {@code "type_N"} for one it does not know. */
  public static String name(int type) {
    return type >= 0 && type < NAMES.length ? NAMES[type] : "type_" + type;
  }

  /** The type for a bpftool name (case-insensitive), or -1. */
  public static int byName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (int i = 1; i < NAMES.length; i++) {
      if (NAMES[i].equals(n)) {
        return i;
      }
    }
    return -1;
  }

  /** Per-CPU map types hold one value per CPU (= RX queue) under each key. */
  public static boolean isPerCpu(int type) {
    return type == PERCPU_ARRAY || type == PERCPU_HASH || type == LRU_PERCPU_HASH;
  }
}
