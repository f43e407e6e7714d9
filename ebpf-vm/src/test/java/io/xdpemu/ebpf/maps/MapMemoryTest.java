package io.xdpemu.ebpf.maps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.RegionRegistry;
import org.junit.jupiter.api.Test;

/**
 * Map memory is created on first touch, and a map the heap cannot hold is refused by name and size
 * (the kernel's -ENOMEM), never an anonymous OutOfMemoryError.
 */
class MapMemoryTest {
  private final RegionRegistry regions = new RegionRegistry();
  private final MapRegistry maps = new MapRegistry(regions, 2);
  private final ExecutionContext ctx = new ExecutionContext(regions);

  private BpfMap map(String name, int type, int key, int value, int max) {
    return maps.create(
        new MapDefinition(name, type, key, value, max, 0, 0, 0, 0, null, null, null, false));
  }

  @Test
  void aSixteenGibArrayCostsOnlyWhatIsTouched() {
    // 4 Mi entries x 4 KiB = 16 GiB, more than the test JVM's heap: eager memory would not fit.
    BpfMap a = map("huge", MapType.ARRAY, 4, 4096, 4 << 20);
    int last = (4 << 20) - 1;
    byte[] v = new byte[4096];
    v[0] = 42;
    v[4095] = 7;
    assertEquals(0, a.update(BpfMap.le32(last), v, BpfMap.BPF_ANY));
    assertArrayEquals(v, a.lookup(BpfMap.le32(last)));
    assertArrayEquals(new byte[4096], a.lookup(BpfMap.le32(12345)), "untouched reads as zeros");
    assertTrue(a.lookupFromProgram(ctx, BpfMap.le32(3)) != 0);
  }

  @Test
  void aMapTheHeapCannotHoldIsRefusedNamingTheMapAndItsSize() {
    MapMemoryException e =
        assertThrows(
            MapMemoryException.class,
            () -> map("conntrack", MapType.LRU_HASH, 16, 64, Integer.MAX_VALUE));
    assertTrue(
        e.getMessage()
            .startsWith(
                "map 'conntrack' (2147483647 entries x 64 bytes = 137438953408 bytes) does not fit"
                    + " the Java heap"),
        e.getMessage());
    assertTrue(e.getMessage().contains("-ENOMEM"), e.getMessage());
    assertEquals(2, e.exitCode());
  }
}
