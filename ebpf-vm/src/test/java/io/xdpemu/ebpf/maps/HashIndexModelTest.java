package io.xdpemu.ebpf.maps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.xdpemu.ebpf.helpers.MapCalls;
import io.xdpemu.ebpf.vm.AddressSpace;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hash map's open-addressing index against a plain model, through many inserts, replacements
 * and deletes (tombstones, rebuilds), for keys compared as two longs (4, 12, 16 bytes) and as bytes
 * (20 bytes), keys that differ only in their last bytes (the ones a weak hash would pile up), and
 * lookups and updates made the way programs make them (key and value read in place from the stack,
 * and a value taken from the map itself).
 */
class HashIndexModelTest {
  private static final int MAX = 64;

  private static byte[] key(int size, int n) {
    byte[] k = new byte[size];
    k[0] = 10;
    ByteBuffer.wrap(k).putInt(size - 4, n * 2654435 % 1000); // only the last bytes differ
    return k;
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 12, 16, 20})
  void agreesWithAModel(int keySize) {
    RegionRegistry regions = new RegionRegistry();
    HashTableMap m =
        (HashTableMap)
            MapFactory.create(
                new MapDefinition(
                    "h", MapType.HASH, keySize, 8, MAX, 0, 0, 0, 0, null, null, null, false),
                1,
                regions);
    ExecutionContext ctx = new ExecutionContext(regions);
    TreeMap<String, byte[]> model = new TreeMap<>();
    Random rnd = new Random(keySize);
    byte[] stack = ctx.stack().bytes();
    long keyPtr = AddressSpace.pointer(AddressSpace.STACK, 8);
    long valuePtr = AddressSpace.pointer(AddressSpace.STACK, 64);
    for (int step = 0; step < 20_000; step++) {
      byte[] k = key(keySize, rnd.nextInt(100));
      String mk = Arrays.toString(k);
      byte[] v = ByteBuffer.allocate(8).putLong(step).array();
      int op = rnd.nextInt(4);
      if (op == 0) { // program update, in place from the stack
        System.arraycopy(k, 0, stack, 8, keySize);
        System.arraycopy(v, 0, stack, 64, 8);
        long flags = rnd.nextInt(3);
        long want =
            flags == BpfMap.BPF_NOEXIST && model.containsKey(mk)
                ? -Errno.EEXIST
                : flags == BpfMap.BPF_EXIST && !model.containsKey(mk)
                    ? -Errno.ENOENT
                    : !model.containsKey(mk) && model.size() >= MAX ? -Errno.E2BIG : 0;
        assertEquals(want, MapCalls.updateHash(m, ctx, keyPtr, valuePtr, flags), "step " + step);
        if (want == 0) {
          model.put(mk, v);
        }
      } else if (op == 1) {
        assertEquals(model.remove(mk) == null ? -Errno.ENOENT : 0, m.delete(k), "step " + step);
      } else if (op == 2 && model.containsKey(mk)) { // update from a value the map itself holds
        System.arraycopy(k, 0, stack, 8, keySize);
        long p = MapCalls.lookupHash(m, ctx, keyPtr);
        byte[] held = ctx.memory().region(p).bytes();
        ByteBuffer.wrap(held, AddressSpace.offset(p), 8).putLong(-step);
        assertEquals(0, MapCalls.updateHash(m, ctx, keyPtr, p, BpfMap.BPF_EXIST), "step " + step);
        model.put(mk, ByteBuffer.allocate(8).putLong(-step).array());
      } else {
        System.arraycopy(k, 0, stack, 8, keySize);
        long p = MapCalls.lookupHash(m, ctx, keyPtr);
        byte[] want = model.get(mk);
        if (want == null) {
          assertEquals(0, p, "step " + step);
          assertNull(m.lookup(k));
        } else {
          byte[] got =
              Arrays.copyOfRange(
                  ctx.memory().region(p).bytes(),
                  AddressSpace.offset(p),
                  AddressSpace.offset(p) + 8);
          assertArrayEquals(want, got, "step " + step);
          assertArrayEquals(want, m.lookup(k), "step " + step);
        }
      }
    }
    assertEquals(model.size(), m.size());
    List<String> keys = new ArrayList<>();
    for (byte[] k : m.keys()) {
      keys.add(Arrays.toString(k));
    }
    assertEquals(model.size(), keys.size());
    assertEquals(new java.util.HashSet<>(model.keySet()), new java.util.HashSet<>(keys));
  }
}
