package io.xdpemu.ebpf.helpers;

import io.xdpemu.ebpf.maps.ArrayMap;
import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.ebpf.maps.HashTableMap;
import io.xdpemu.ebpf.maps.LpmTrieMap;
import io.xdpemu.ebpf.vm.AddressSpace;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.Helper;
import io.xdpemu.ebpf.vm.Region;

/**
 * bpf_map_lookup_elem / update / delete once the map is known: the registered helpers call these
 * after resolving the handle in r1; the JIT calls them directly when the verifier proved which map
 * r1 holds ({@code ProgramFacts.constantMap}), with one lookup method per map class, so that the
 * call site binds the map's own code (no helper table, no handle, no virtual dispatch).
 *
 * <p>Lookups read the key where the program keeps it (bounds-checked, never copied) and allocate
 * nothing; updates copy key and value, as the kernel's element allocation does.
 */
public final class MapCalls {
  private MapCalls() {}

  /**
   * The registered lookup, update and delete helpers implement this, so that an engine binds a call
   * statically only when the program's registry holds the standard helper (a test may register its
   * own under the same id).
   */
  public interface Standard extends Helper {}

  public static long lookupArray(ArrayMap m, ExecutionContext ctx, long key) {
    Region r = ctx.memory().check(ctx.pc, key, 4, false);
    return m.lookupInPlace(ctx, r.bytes(), AddressSpace.offset(key));
  }

  public static long lookupHash(HashTableMap m, ExecutionContext ctx, long key) {
    Region r = ctx.memory().check(ctx.pc, key, m.keySize(), false);
    return m.lookupInPlace(ctx, r.bytes(), AddressSpace.offset(key));
  }

  public static long lookupLpm(LpmTrieMap m, ExecutionContext ctx, long key) {
    Region r = ctx.memory().check(ctx.pc, key, m.keySize(), false);
    return m.lookupInPlace(ctx, r.bytes(), AddressSpace.offset(key));
  }

  /** Any map: in place when the key has bytes, else through the map's copying lookup. */
  public static long lookup(BpfMap m, ExecutionContext ctx, long key) {
    if (m.keySize() == 0) {
      return m.lookupFromProgram(ctx, HelperMemory.readKey(ctx, key, 0));
    }
    Region r = ctx.memory().check(ctx.pc, key, m.keySize(), false);
    return m.lookupInPlace(ctx, r.bytes(), AddressSpace.offset(key));
  }

  public static long update(BpfMap m, ExecutionContext ctx, long key, long value, long flags) {
    byte[] k = HelperMemory.read(ctx, key, m.keySize());
    byte[] v = HelperMemory.read(ctx, value, m.valueSize());
    return m.updateFromProgram(ctx, k, v, flags);
  }

  public static long delete(BpfMap m, ExecutionContext ctx, long key) {
    return m.deleteFromProgram(ctx, HelperMemory.read(ctx, key, m.keySize()));
  }
}
