package io.xdpemu.runtime;

import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.ebpf.maps.MapType;
import io.xdpemu.oracle.KernelOracle;
import io.xdpemu.oracle.MapContents;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How {@code diff} compares the maps of both sides, by what changed since they were created: every
 * entry of a hash-like map, and only the elements of an array that are not zero (a fresh array is
 * all zeros on both sides). The emulator reads only the memory that was touched ({@link
 * BpfMap#populatedEntries()}), the kernel reads with BPF_MAP_LOOKUP_BATCH ({@link
 * KernelOracle#scan}).
 *
 * <p>An array with more than {@link #BIG_ARRAY_VALUES} values (katran's 33.5M-element consistent
 * hashing ring) would still cost the kernel side about two seconds per scan, so after each packet
 * it is compared at the elements the emulator holds non-zero now or held after the previous packet
 * ({@link KernelOracle#lookup}), and in full, both sides scanned, once after the last packet: an
 * element only the kernel changed is found then. When more than {@link #MAX_KEYS_PER_PACKET}
 * elements would have to be looked up (an array filled by {@code --map-init}), the per-packet check
 * of that map is left to the final one.
 */
final class DiffMaps {
  /** Element values (elements x CPUs) above which an array is compared as described above. */
  static final long BIG_ARRAY_VALUES = 1 << 16;

  /** The most elements of one big array looked up in the kernel after a packet. */
  static final int MAX_KEYS_PER_PACKET = 1 << 16;

  private static final HexFormat HEX = HexFormat.of();

  private final KernelOracle kernel;
  private final List<BpfMap> whole = new ArrayList<>();
  private final List<BpfMap> big = new ArrayList<>();
  private final Map<String, Set<String>> heldBefore = new TreeMap<>();
  private final List<String> notCompared = new ArrayList<>();

  DiffMaps(LoadPipeline.Loaded emu, KernelOracle kernel) {
    this.kernel = kernel;
    Set<String> theirs = new HashSet<>(kernel.mapNames());
    for (BpfMap m : emu.maps().all()) {
      if (!theirs.contains(m.name())) {
        continue; // a map the kernel does not expose by this name (e.g. .rodata frozen away)
      }
      String why = whyNotComparable(m.type());
      if (why != null) {
        notCompared.add(m.name() + " (" + MapType.name(m.type()) + ": " + why + ")");
        continue;
      }
      if (isArray(m) && (long) m.maxEntries() * (m.perCpu() ? m.cpus() : 1) > BIG_ARRAY_VALUES) {
        big.add(m);
        heldBefore.put(m.name(), new TreeSet<>());
      } else {
        whole.add(m);
      }
    }
  }

  /** Maps left out of the comparison, each with its reason; empty when all are compared. */
  List<String> notCompared() {
    return notCompared;
  }

  /**
   * Why user space cannot see a map of this type as the program does, or null: the kernel shows a
   * program array's and a map-in-map's slots as kernel object ids (xdpemu holds its own handles),
   * and a queue, stack, ring buffer or perf event array cannot be read element by element without
   * changing it.
   */
  static String whyNotComparable(int type) {
    switch (type) {
      case MapType.PROG_ARRAY:
      case MapType.ARRAY_OF_MAPS:
      case MapType.HASH_OF_MAPS:
        return "the kernel shows object ids";
      case MapType.QUEUE:
      case MapType.STACK:
      case MapType.RINGBUF:
      case MapType.PERF_EVENT_ARRAY:
        return "not readable without consuming it";
      default:
        return null;
    }
  }

  /** The first difference after a packet, described, or null when the maps agree. */
  String afterPacket() {
    for (BpfMap m : whole) {
      String d = difference(m, m.populatedEntries(), kernel.scan(m.name()).entries());
      if (d != null) {
        return d;
      }
    }
    for (BpfMap m : big) {
      List<BpfMap.Entry> mine = m.populatedEntries();
      Set<String> keys = new TreeSet<>(heldBefore.get(m.name()));
      Set<String> heldNow = new TreeSet<>();
      for (BpfMap.Entry e : mine) {
        heldNow.add(HEX.formatHex(e.key()));
      }
      keys.addAll(heldNow);
      heldBefore.put(m.name(), heldNow);
      if (keys.size() > MAX_KEYS_PER_PACKET) {
        continue; // compared in full after the last packet
      }
      List<byte[]> asBytes = new ArrayList<>();
      for (String k : keys) {
        asBytes.add(HEX.parseHex(k));
      }
      String d = difference(m, mine, kernel.lookup(m.name(), asBytes));
      if (d != null) {
        return d;
      }
    }
    return null;
  }

  /** The big arrays in full on both sides, after the last packet; null when they agree. */
  String atEnd() {
    for (BpfMap m : big) {
      String d = difference(m, m.populatedEntries(), kernel.scan(m.name()).entries());
      if (d != null) {
        return d;
      }
    }
    return null;
  }

  /** The first key whose value differs, described; array elements absent on a side are zero. */
  private static String difference(
      BpfMap m, List<BpfMap.Entry> emulated, List<MapContents.Entry> fromKernel) {
    boolean array = isArray(m);
    Map<String, String> mine = new TreeMap<>();
    for (BpfMap.Entry e : emulated) {
      mine.put(HEX.formatHex(e.key()), values(List.of(e.values())));
    }
    Map<String, String> theirs = new TreeMap<>();
    for (MapContents.Entry e : fromKernel) {
      String v = values(e.values());
      if (!(array && isZero(v))) {
        theirs.put(e.keyHex(), v);
      }
    }
    if (mine.equals(theirs)) {
      return null;
    }
    Set<String> keys = new TreeSet<>(theirs.keySet());
    keys.addAll(mine.keySet());
    String absent = array ? zeroValues(m) : "(absent)";
    for (String key : keys) {
      String k = theirs.getOrDefault(key, absent);
      String e = mine.getOrDefault(key, absent);
      if (!k.equals(e)) {
        return "map '" + m.name() + "' key " + key + ": kernel " + k + ", xdpemu " + e;
      }
    }
    return null;
  }

  private static boolean isArray(BpfMap m) {
    return m.type() == MapType.ARRAY || m.type() == MapType.PERCPU_ARRAY;
  }

  private static boolean isZero(String values) {
    return values.chars().allMatch(c -> c == '0' || c == ',');
  }

  private static String zeroValues(BpfMap m) {
    List<String> v = new ArrayList<>();
    for (int i = 0; i < (m.perCpu() ? m.cpus() : 1); i++) {
      v.add("00".repeat(m.valueSize()));
    }
    return String.join(",", v);
  }

  /** Values as hex; per-CPU values in CPU order (both sides run on the same CPU). */
  private static String values(List<byte[]> vs) {
    List<String> hex = new ArrayList<>();
    for (byte[] v : vs) {
      hex.add(HEX.formatHex(v));
    }
    return String.join(",", hex);
  }
}
