package io.xdpemu.bench;

import io.xdpemu.ebpf.helpers.MapCalls;
import io.xdpemu.ebpf.maps.ArrayMap;
import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.ebpf.maps.HashTableMap;
import io.xdpemu.ebpf.maps.LpmTrieMap;
import io.xdpemu.ebpf.maps.MapDefinition;
import io.xdpemu.ebpf.maps.MapFactory;
import io.xdpemu.ebpf.maps.MapType;
import io.xdpemu.ebpf.vm.AddressSpace;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * One map operation as a program makes it, in isolation from the JIT and the test-run loop: the
 * call a bound map helper compiles to ({@link MapCalls}), with the key on the program's stack and
 * keys shaped as the examples' are (xdp_counter's __u32 source address in a HASH, xdp_lru's 12-byte
 * flow in an LRU_HASH, xdp_lpm's {prefixlen 32, addr} against a /24 in an LPM_TRIE, an ARRAY and a
 * PERCPU_ARRAY index). Each map holds {@link #ENTRIES} elements; a lookup hits one of them.
 *
 * <p>Uses only the maps' public API, so the same class times an older build ({@code java -cp
 * OLD/xdpemu.jar:benchmarks/target/classes io.xdpemu.bench.MapOps}) against this one in one run.
 * {@link #main} reports thread CPU time (best of rounds), for a machine shared with others; {@link
 * MapBench} is the JMH form.
 */
public final class MapOps {
  static final int ENTRIES = 256;
  static final String[] TYPES = {"array", "percpu_array", "hash", "lru_hash", "lpm_trie"};

  final BpfMap map;
  final ExecutionContext ctx;

  /**
   * Volatile so that each operation reads it again: C2 would otherwise hoist a lookup whose inputs
   * never change out of the timing loop (an array lookup measured 0 ns).
   */
  volatile long keyPtr;

  final long valuePtr;
  private final String type;

  MapOps(String type) {
    this.type = type;
    RegionRegistry regions = new RegionRegistry();
    map = MapFactory.create(definition(type), 2, regions);
    ctx = new ExecutionContext(regions);
    ctx.cpu = 1;
    byte[] stack = ctx.stack().bytes();
    int keyOff = 64;
    int valueOff = 128;
    keyPtr = AddressSpace.pointer(AddressSpace.STACK, keyOff);
    valuePtr = AddressSpace.pointer(AddressSpace.STACK, valueOff);
    for (int i = 0; i < ENTRIES; i++) {
      if (!type.endsWith("array")) {
        int rc = map.update(key(type, i), new byte[map.valueSize()], BpfMap.BPF_ANY);
        if (rc != 0) {
          throw new IllegalStateException(type + " update " + rc);
        }
      }
    }
    byte[] k = key(type, ENTRIES / 2);
    if (type.equals("lpm_trie")) {
      k[4 + 3] = 77; // a host inside the /24
      k[0] = 32;
    }
    System.arraycopy(k, 0, stack, keyOff, k.length);
    if (lookup() == 0) {
      throw new IllegalStateException(type + ": the benchmark key is absent");
    }
  }

  private static MapDefinition definition(String type) {
    return switch (type) {
      case "array" -> def(MapType.ARRAY, 4, 16);
      case "percpu_array" -> def(MapType.PERCPU_ARRAY, 4, 16);
      case "hash" -> def(MapType.HASH, 4, 16);
      case "lru_hash" -> def(MapType.LRU_HASH, 12, 16);
      case "lpm_trie" -> def(MapType.LPM_TRIE, 8, 16);
      default -> throw new IllegalArgumentException("map type " + type);
    };
  }

  private static MapDefinition def(int type, int keySize, int valueSize) {
    int flags = type == MapType.LPM_TRIE ? BpfMap.BPF_F_NO_PREALLOC : 0;
    return new MapDefinition(
        "bench", type, keySize, valueSize, 4096, flags, 0, 0, 0, null, null, null, false);
  }

  /** Element {@code i}'s key, as the examples build theirs (addresses as on the wire). */
  static byte[] key(String type, int i) {
    byte[] addr = {(byte) 192, (byte) 168, (byte) (i >> 8), (byte) i};
    return switch (type) {
      case "array", "percpu_array" -> new byte[] {(byte) i, (byte) (i >> 8), 0, 0};
      case "hash" -> addr;
      case "lru_hash" ->
          new byte[] {10, 0, 0, 1, addr[0], addr[1], addr[2], addr[3], (byte) 0x82, 0x35, 0, 53};
      case "lpm_trie" -> new byte[] {24, 0, 0, 0, 10, (byte) (i >> 8), (byte) i, 0};
      default -> throw new IllegalArgumentException("map type " + type);
    };
  }

  /** bpf_map_lookup_elem as the JIT's bound call makes it. */
  long lookup() {
    if (map instanceof ArrayMap a) {
      return MapCalls.lookupArray(a, ctx, keyPtr);
    }
    if (map instanceof HashTableMap h) {
      return MapCalls.lookupHash(h, ctx, keyPtr);
    }
    return MapCalls.lookupLpm((LpmTrieMap) map, ctx, keyPtr);
  }

  /** bpf_map_update_elem(BPF_ANY) of the present key, value from the stack. */
  long update() {
    return MapCalls.update(map, ctx, keyPtr, valuePtr, BpfMap.BPF_ANY);
  }

  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
  private static long sink;

  /** ns per operation in thread CPU time, best of {@code rounds} after warm-up. */
  private double time(boolean update, int rounds) {
    int ops = 2_000_000;
    double best = Double.MAX_VALUE;
    for (int r = 0; r < rounds; r++) {
      long t0 = MX.getCurrentThreadCpuTime();
      long s = 0;
      for (int i = 0; i < ops; i++) {
        s += update ? update() : lookup();
      }
      long t1 = MX.getCurrentThreadCpuTime();
      sink += s;
      if (r >= 3) {
        best = Math.min(best, (t1 - t0) / (double) ops);
      }
    }
    return best;
  }

  /** Usage: MapOps [ROUNDS] [TYPE...]; prints ns per lookup and per update for each map type. */
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
    String[] types = args.length > 1 ? java.util.Arrays.copyOfRange(args, 1, args.length) : TYPES;
    for (String t : types) {
      MapOps m = new MapOps(t);
      double lookup = m.time(false, rounds);
      double update = m.time(true, rounds);
      System.out.printf("%-13s lookup %6.1f ns   update %6.1f ns%n", t, lookup, update);
    }
    System.out.println("(checksum " + sink + ")");
  }
}
