package io.xdpemu.ebpf.maps;

import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.TrapException;

/**
 * bpf_for_each_map_elem's walk (bpf_for_each_array_elem in arraymap.c, bpf_for_each_hash_elem in
 * hashtab.c): the callback gets a pointer to each key and value (per-CPU maps: this CPU's value);
 * the walk stops after the first callback that asks to, and returns how many elements it visited.
 * Hash maps are walked over a snapshot taken at the start, in key order.
 */
public final class MapIteration {
  /** Called per element; returns false to stop. */
  @FunctionalInterface
  public interface Visitor {
    boolean visit(long keyPointer, long valuePointer);
  }

  private MapIteration() {}

  public static long forEach(BpfMap map, ExecutionContext ctx, Visitor v) {
    long n = 0;
    if (map instanceof ArrayMap a) {
      for (int i = 0; i < a.maxEntries(); i++) {
        n++;
        byte[] key = BpfMap.le32(i);
        if (!v.visit(a.indexKeyPointer(ctx, i), a.lookupFromProgram(ctx, key))) {
          break;
        }
      }
      return n;
    }
    if (map instanceof HashTableMap h) {
      for (int slot : h.slotsSnapshot()) {
        n++;
        if (!v.visit(h.keyPointer(ctx, slot), h.valuePointer(ctx, slot))) {
          break;
        }
      }
      return n;
    }
    throw new TrapException(ctx.pc, "bpf_for_each_map_elem does not support " + map);
  }
}
