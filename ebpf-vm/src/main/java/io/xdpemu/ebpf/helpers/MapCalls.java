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
 * nothing; updates of arrays and hashes copy key and value from there straight into the element (as
 * the kernel's element copy does) and allocate nothing either, unless key or value lies in map
 * memory, which the update itself could change under the copy: those are copied out first.
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
    return m.lookupInPlace(ctx, keyBytes(ctx, key, 4), AddressSpace.offset(key));
  }

  public static long lookupHash(HashTableMap m, ExecutionContext ctx, long key) {
    return m.lookupInPlace(ctx, keyBytes(ctx, key, m.keySize()), AddressSpace.offset(key));
  }

  public static long lookupLpm(LpmTrieMap m, ExecutionContext ctx, long key) {
    return m.lookupInPlace(ctx, keyBytes(ctx, key, m.keySize()), AddressSpace.offset(key));
  }

  /**
   * The bytes holding the {@code n}-byte key at {@code key}, which a lookup reads in place: the
   * stack's (where programs keep keys) straight from the context, else the region's the address
   * names; bounds-checked either way, and trapping as any read would.
   */
  private static byte[] keyBytes(ExecutionContext ctx, long key, int n) {
    if (AddressSpace.regionId(key) == AddressSpace.STACK) {
      Region stack = ctx.stack(); // the region the context installed under AddressSpace.STACK
      if (stack.contains(AddressSpace.offset(key), n)) {
        return stack.bytes();
      }
    }
    return ctx.memory().check(ctx.pc, key, n, false).bytes();
  }

  /** Any map: in place when the key has bytes, else through the map's copying lookup. */
  public static long lookup(BpfMap m, ExecutionContext ctx, long key) {
    if (m.keySize() == 0) {
      return m.lookupFromProgram(ctx, HelperMemory.readKey(ctx, key, 0));
    }
    return m.lookupInPlace(ctx, keyBytes(ctx, key, m.keySize()), AddressSpace.offset(key));
  }

  public static long updateArray(
      ArrayMap m, ExecutionContext ctx, long key, long value, long flags) {
    Region k = ctx.memory().check(ctx.pc, key, 4, false);
    Region v = ctx.memory().check(ctx.pc, value, m.valueSize(), false);
    if (inMapMemory(k, v)) {
      return copied(m, ctx, key, value, flags);
    }
    int ko = AddressSpace.offset(key);
    return m.updateInPlace(ctx, k.bytes(), ko, v.bytes(), AddressSpace.offset(value), flags);
  }

  public static long updateHash(
      HashTableMap m, ExecutionContext ctx, long key, long value, long flags) {
    Region k = ctx.memory().check(ctx.pc, key, m.keySize(), false);
    Region v = ctx.memory().check(ctx.pc, value, m.valueSize(), false);
    if (inMapMemory(k, v)) {
      return copied(m, ctx, key, value, flags);
    }
    int ko = AddressSpace.offset(key);
    return m.updateInPlace(ctx, k.bytes(), ko, v.bytes(), AddressSpace.offset(value), flags);
  }

  /** Any map: in place when key and value have bytes outside map memory, else copied. */
  public static long update(BpfMap m, ExecutionContext ctx, long key, long value, long flags) {
    if (m.keySize() == 0 || m.valueSize() == 0) {
      return copied(m, ctx, key, value, flags);
    }
    Region k = ctx.memory().check(ctx.pc, key, m.keySize(), false);
    Region v = ctx.memory().check(ctx.pc, value, m.valueSize(), false);
    if (inMapMemory(k, v)) {
      return copied(m, ctx, key, value, flags);
    }
    int ko = AddressSpace.offset(key);
    return m.updateInPlace(ctx, k.bytes(), ko, v.bytes(), AddressSpace.offset(value), flags);
  }

  private static boolean inMapMemory(Region key, Region value) {
    return key.kind() == Region.Kind.MAP_VALUE || value.kind() == Region.Kind.MAP_VALUE;
  }

  private static long copied(BpfMap m, ExecutionContext ctx, long key, long value, long flags) {
    byte[] k = HelperMemory.read(ctx, key, m.keySize());
    byte[] v = HelperMemory.read(ctx, value, m.valueSize());
    return m.updateFromProgram(ctx, k, v, flags);
  }

  public static long delete(BpfMap m, ExecutionContext ctx, long key) {
    return m.deleteFromProgram(ctx, HelperMemory.read(ctx, key, m.keySize()));
  }
}
