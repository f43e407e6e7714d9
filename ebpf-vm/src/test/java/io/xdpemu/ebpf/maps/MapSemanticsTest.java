package io.xdpemu.ebpf.maps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.ProgramRejectedException;
import io.xdpemu.ebpf.vm.AddressSpace;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.Region;
import io.xdpemu.ebpf.vm.RegionRegistry;
import io.xdpemu.ebpf.vm.TrapException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class MapSemanticsTest {
  private final RegionRegistry regions = new RegionRegistry();
  private final MapRegistry maps = new MapRegistry(regions, 2);
  private final ExecutionContext ctx = new ExecutionContext(regions);

  private BpfMap map(int type, int key, int value, int max) {
    return map(type, key, value, max, 0);
  }

  private BpfMap map(int type, int key, int value, int max, int flags) {
    return maps.create(
        new MapDefinition(
            "m" + maps.all().size(),
            type,
            key,
            value,
            max,
            flags,
            0,
            0,
            0,
            null,
            null,
            null,
            false));
  }

  static byte[] u32(int v) {
    return BpfMap.le32(v);
  }

  static byte[] u64(long v) {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (v >>> (8 * i));
    }
    return b;
  }

  private byte[] deref(long ptr, int n) {
    Region r = ctx.memory().check(0, ptr, n, false);
    byte[] out = new byte[n];
    System.arraycopy(r.bytes(), AddressSpace.offset(ptr), out, 0, n);
    return out;
  }

  @Test
  void lookupReturnsARealRegionPointerThatSeesLaterUpdates() {
    BpfMap a = map(MapType.ARRAY, 4, 8, 4);
    long p = a.lookupFromProgram(ctx, u32(2));
    assertEquals(Region.Kind.MAP_VALUE, ctx.memory().region(p).kind());
    assertEquals(0, a.update(u32(2), u64(0x1122), BpfMap.BPF_ANY));
    assertArrayEquals(u64(0x1122), deref(p, 8));
    assertEquals(0, a.lookupFromProgram(ctx, u32(4)), "index past the end is NULL");
  }

  @Test
  void valueRegionEndsAtValueSizeNotAtTheRoundedElementSize() {
    BpfMap a = map(MapType.ARRAY, 4, 6, 1);
    long p = a.lookupFromProgram(ctx, u32(0));
    ctx.memory().check(0, p, 6, true);
    TrapException t =
        assertThrows(TrapException.class, () -> ctx.memory().check(0, p + 6, 1, false));
    assertTrue(t.getMessage().contains("out-of-bounds read"), t.getMessage());
  }

  @Test
  void perCpuMapsGiveEachCpuItsOwnSlot() {
    BpfMap pa = map(MapType.PERCPU_ARRAY, 4, 8, 1);
    ctx.cpu = 1;
    assertEquals(0, pa.updateFromProgram(ctx, u32(0), u64(7), 0));
    byte[][] all = pa.lookupPerCpu(u32(0));
    assertArrayEquals(u64(0), all[0]);
    assertArrayEquals(u64(7), all[1]);
    long p1 = pa.lookupFromProgram(ctx, u32(0));
    ctx.cpu = 0;
    assertNotEquals(
        AddressSpace.regionId(p1), AddressSpace.regionId(pa.lookupFromProgram(ctx, u32(0))));
    ctx.cpu = 2;
    TrapException t = assertThrows(TrapException.class, () -> pa.lookupFromProgram(ctx, u32(0)));
    assertTrue(t.getMessage().contains("has 2 CPUs, program runs on CPU 2"), t.getMessage());
  }

  @Test
  void hashReplacementMovesTheValueAndRecyclesTheOldElement() {
    BpfMap h = map(MapType.HASH, 4, 8, 2);
    h.update(u32(1), u64(10), 0);
    long before = h.lookupFromProgram(ctx, u32(1));
    h.update(u32(1), u64(11), 0);
    long after = h.lookupFromProgram(ctx, u32(1));
    assertNotEquals(before, after, "htab_map_update_elem allocates a new element");
    assertArrayEquals(u64(10), deref(before, 8), "the old element is untouched until reused");
    h.update(u32(2), u64(20), 0);
    assertEquals(-Errno.E2BIG, h.update(u32(3), u64(30), 0));
    assertEquals(0, h.update(u32(2), u64(21), BpfMap.BPF_EXIST), "replacing in a full map works");
    assertEquals(0, h.delete(u32(1)));
    assertEquals(0, h.update(u32(3), u64(30), 0));
  }

  @Test
  void lruEvictsTheLeastRecentlyUsedAndLookupsCountAsUse() {
    BpfMap lru = map(MapType.LRU_HASH, 4, 8, 3);
    for (int k = 1; k <= 3; k++) {
      assertEquals(0, lru.update(u32(k), u64(k), BpfMap.BPF_NOEXIST));
    }
    lru.lookupFromProgram(ctx, u32(1));
    lru.lookup(u32(2)); // host lookups do not count (htab_lru_map_lookup_elem_sys)
    assertEquals(0, lru.update(u32(4), u64(4), BpfMap.BPF_NOEXIST));
    assertNull(lru.lookup(u32(2)));
    assertEquals(0, lru.update(u32(5), u64(5), BpfMap.BPF_NOEXIST));
    assertNull(lru.lookup(u32(3)));
    assertEquals(List.of(1, 4, 5), ints(lru.keys()));
    assertEquals(-Errno.EINVAL, lru.update(u32(6), u64(6), BpfMap.BPF_F_LOCK));
  }

  private static List<Integer> ints(List<byte[]> keys) {
    List<Integer> out = new ArrayList<>();
    for (byte[] k : keys) {
      out.add(BpfMap.u32(k, 0));
    }
    return out;
  }

  private static byte[] lpmKey(int len, int... addr) {
    byte[] k = new byte[4 + addr.length];
    System.arraycopy(u32(len), 0, k, 0, 4);
    for (int i = 0; i < addr.length; i++) {
      k[4 + i] = (byte) addr[i];
    }
    return k;
  }

  @Test
  void lpmMatchesTheLongestPrefixWithinTheKeysOwnLength() {
    LpmTrieMap t = (LpmTrieMap) map(MapType.LPM_TRIE, 8, 4, 8, BpfMap.BPF_F_NO_PREALLOC);
    t.update(lpmKey(0, 0, 0, 0, 0), u32(0), 0);
    t.update(lpmKey(8, 10, 0, 0, 0), u32(8), 0);
    t.update(lpmKey(24, 10, 1, 2, 99), u32(24), 0);
    assertArrayEquals(u32(24), t.longestMatch(lpmKey(32, 10, 1, 2, 3)));
    assertArrayEquals(u32(8), t.longestMatch(lpmKey(32, 10, 1, 3, 3)));
    assertArrayEquals(
        u32(8), t.longestMatch(lpmKey(16, 10, 1, 2, 3)), "key prefixlen caps the match");
    assertArrayEquals(u32(0), t.longestMatch(lpmKey(32, 192, 168, 1, 1)));
    // The stored key keeps its host bytes (10.1.2.99/24); dumps walk in post order.
    assertEquals(3, t.entries().size());
    assertArrayEquals(lpmKey(24, 10, 1, 2, 99), t.keys().get(0));
    assertArrayEquals(lpmKey(0, 0, 0, 0, 0), t.keys().get(2));
    assertEquals(-Errno.ENOENT, t.delete(lpmKey(16, 10, 1, 0, 0)));
    assertEquals(0, t.delete(lpmKey(24, 10, 1, 2, 0)), "delete matches the masked prefix");
  }

  @Test
  void ringBufferRecordsAreReadInOrderAcrossTheWrap() {
    RingBufMap rb = (RingBufMap) map(MapType.RINGBUF, 0, 0, 4096);
    int total = 0;
    for (int round = 0; round < 3; round++) {
      List<Long> held = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        long p = rb.reserve(ctx, 100, 0);
        assertNotEquals(0, p);
        Region r = ctx.memory().check(0, p, 100, true);
        r.bytes()[AddressSpace.offset(p)] = (byte) (total + i);
        r.bytes()[AddressSpace.offset(p) + 99] = (byte) (total + i);
        held.add(p);
      }
      // Commit out of order: the consumer still sees reservation order, and only once the
      // oldest reserved record is committed.
      rb.commit(held.get(1), false);
      assertEquals(0, rb.poll().size());
      rb.commit(held.get(2), true);
      for (long p : held) {
        rb.commit(p, false);
      }
      List<byte[]> got = rb.poll();
      assertEquals(19, got.size(), "one discarded");
      assertEquals((byte) total, got.get(0)[0]);
      assertEquals((byte) (total + 1), got.get(1)[99]);
      assertEquals((byte) (total + 3), got.get(2)[99]);
      total += 20;
    }
    assertEquals(0, rb.query(0));
    assertEquals(3 * 20 * 112, rb.query(3));
    assertTrue(!rb.commit(rb.query(3), false), "a pointer that is not a record is refused");
  }

  @Test
  void ringBufferRefusesWhenTheConsumerLagsAFullRing() {
    RingBufMap rb = (RingBufMap) map(MapType.RINGBUF, 0, 0, 4096);
    int n = 0;
    while (rb.output(new byte[56], 0) == 0) {
      n++;
    }
    assertEquals(63, n, "4096/64 records minus the byte the producer must stay behind");
    assertEquals(-Errno.EAGAIN, rb.output(new byte[56], 0));
    assertEquals(0, rb.output(new byte[8], 0), "a 16-byte record still fits in the last 64");
    assertEquals(64, rb.poll().size());
    assertEquals(0, rb.output(new byte[56], 0));
  }

  @Test
  void queueOverwritesTheOldestWithExistAndStackPopsNewestFirst() {
    BpfMap q = map(MapType.QUEUE, 0, 4, 2);
    q.push(u32(1), 0);
    q.push(u32(2), 0);
    assertEquals(-Errno.E2BIG, q.push(u32(3), 0));
    assertEquals(0, q.push(u32(3), BpfMap.BPF_EXIST));
    byte[] out = new byte[4];
    assertEquals(0, q.pop(out, true));
    assertArrayEquals(u32(2), out);
    assertEquals(1, q.entries().size());
  }

  @Test
  void mapInMapLookupYieldsTheInnerHandleAndChecksTheTemplate() {
    MapDefinition inner =
        new MapDefinition("tmpl", MapType.ARRAY, 4, 8, 1, 0, 0, 0, 0, null, null, null, false);
    MapOfMaps outer =
        (MapOfMaps)
            maps.create(
                new MapDefinition(
                    "outer", MapType.ARRAY_OF_MAPS, 4, 4, 2, 0, 0, 0, 0, null, inner, null, false));
    BpfMap a = map(MapType.ARRAY, 4, 8, 5);
    BpfMap wrong = map(MapType.ARRAY, 4, 4, 5);
    assertEquals(0, outer.update(u32(1), u32(maps.id(a)), 0));
    assertEquals(-Errno.EINVAL, outer.update(u32(0), u32(maps.id(wrong)), 0));
    assertEquals(a.handle(), outer.lookupFromProgram(ctx, u32(1)));
    assertEquals(a, maps.byHandle(outer.lookupFromProgram(ctx, u32(1))));
    assertEquals(0, outer.lookupFromProgram(ctx, u32(0)));
    assertEquals(-Errno.EINVAL, outer.update(u32(1), u32(maps.id(a)), BpfMap.BPF_NOEXIST));
  }

  @Test
  void devmapUpdatesFollowDevMapUpdateElem() {
    maps.setDevices(ifindex -> ifindex == 3);
    RedirectMap d = (RedirectMap) map(MapType.DEVMAP, 4, 4, 2);
    assertEquals(-Errno.EINVAL, d.update(u32(0), u32(4), 0), "unknown device");
    assertEquals(0, d.update(u32(0), u32(3), 0));
    assertEquals(-Errno.EEXIST, d.update(u32(0), u32(3), BpfMap.BPF_NOEXIST));
    assertEquals(-Errno.E2BIG, d.update(u32(2), u32(3), 0));
    assertEquals(3, d.targetU32(0));
    assertEquals(0, d.delete(u32(1)), "devmap delete of an empty slot is 0");
    RedirectMap c = (RedirectMap) map(MapType.CPUMAP, 4, 4, 4);
    assertEquals(-Errno.EOVERFLOW, c.update(u32(0), u32(16385), 0));
    assertEquals(-Errno.ENODEV, c.update(u32(3), u32(128), 0), "only 2 CPUs exist");
  }

  @Test
  void flagLockCopiesUnderTheValuesSpinLockAndNeverCopiesTheLock() {
    BpfMap h = map(MapType.HASH, 4, 16, 4);
    assertEquals(-Errno.EINVAL, h.update(u32(1), new byte[16], BpfMap.BPF_F_LOCK));
    h.setSpinLockOffset(0);
    byte[] v = new byte[16];
    v[0] = 1; // a lock word in the input is ignored
    v[8] = 42;
    assertEquals(0, h.update(u32(1), v, BpfMap.BPF_ANY));
    assertEquals(0, h.update(u32(1), v, BpfMap.BPF_F_LOCK));
    byte[] got = h.lookup(u32(1));
    assertEquals(0, got[0]);
    assertEquals(42, got[8]);
  }

  @Test
  void concurrentQueuesUpdatingOneHashKeepEveryElement() throws Exception {
    BpfMap h = map(MapType.HASH, 4, 8, 10_000);
    int threads = 4;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int base = t * 2000;
      Thread th =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < 2000; i++) {
                  h.update(u32(base + i), u64(i), BpfMap.BPF_NOEXIST);
                  if (i % 3 == 0) {
                    h.delete(u32(base + i));
                  }
                }
              });
      th.start();
      ts.add(th);
    }
    go.countDown();
    for (Thread th : ts) {
      th.join();
    }
    assertEquals(threads * (2000 - 667), h.keys().size());
  }

  @Test
  void spinLockExcludesConcurrentWriters() throws Exception {
    BpfMap a = map(MapType.ARRAY, 4, 8, 1);
    long p = a.lookupFromProgram(ctx, u32(0));
    Region r = ctx.memory().region(p);
    int off = AddressSpace.offset(p);
    Thread[] ts = new Thread[4];
    for (int t = 0; t < ts.length; t++) {
      ts[t] =
          new Thread(
              () -> {
                for (int i = 0; i < 5000; i++) {
                  SpinLocks.lock(r.bytes(), off);
                  r.bytes()[off + 4]++;
                  r.bytes()[off + 5] += (r.bytes()[off + 4] == 0) ? 1 : 0;
                  SpinLocks.unlock(r.bytes(), off);
                }
              });
      ts[t].start();
    }
    for (Thread t : ts) {
      t.join();
    }
    assertEquals(20000, (r.bytes()[off + 4] & 0xff) | (r.bytes()[off + 5] & 0xff) << 8);
  }

  @Test
  void mapsAreSizedAsLibbpfSizesThem() {
    assertEquals(4096, map(MapType.RINGBUF, 0, 0, 1000).maxEntries(), "adjust_ringbuf_sz");
    assertEquals(16384, map(MapType.RINGBUF, 0, 0, 12288).maxEntries());
    assertEquals(8192, map(MapType.RINGBUF, 0, 0, 8192).maxEntries());
    assertEquals(2, map(MapType.PERF_EVENT_ARRAY, 4, 4, 0).maxEntries(), "one slot per CPU");
    ProgramRejectedException e =
        assertThrows(ProgramRejectedException.class, () -> map(MapType.HASH, 4, 4, 0));
    assertTrue(e.getMessage().contains("max_entries 0"), e.getMessage());
  }

  @Test
  void badDefinitionsAreRejectedNamingTheMap() {
    ProgramRejectedException e =
        assertThrows(ProgramRejectedException.class, () -> map(MapType.RINGBUF, 4, 0, 4096));
    assertTrue(e.getMessage().startsWith("map 'm0': ringbuf"), e.getMessage());
    assertThrows(ProgramRejectedException.class, () -> map(MapType.ARRAY, 8, 8, 1));
    assertThrows(ProgramRejectedException.class, () -> map(MapType.SOCKMAP, 4, 4, 1));
  }

  @Test
  void globalDataIsAOneElementArrayAndRodataIsFrozen() {
    MapDefinition ro =
        new MapDefinition(
            ".rodata",
            MapType.ARRAY,
            4,
            5,
            1,
            0,
            0,
            0,
            0,
            new byte[] {1, 2, 3, 4, 5},
            null,
            null,
            true);
    ArrayMap m = (ArrayMap) maps.create(ro);
    ctx.memory().refresh(regions);
    long p = m.valuePointer(2);
    assertArrayEquals(new byte[] {3, 4, 5}, deref(p, 3));
    TrapException t = assertThrows(TrapException.class, () -> ctx.memory().check(0, p, 1, true));
    assertTrue(t.getMessage().contains("read-only"), t.getMessage());
    assertEquals(m, maps.byName(".rodata"));
  }

  @Test
  void initialSlotsFillProgramArraysAndMapInMaps() {
    io.xdpemu.ebpf.vm.Program target =
        new io.xdpemu.ebpf.vm.Program(
            "next",
            new io.xdpemu.ebpf.isa.Insn[0],
            new io.xdpemu.ebpf.vm.HelperRegistry(),
            io.xdpemu.ebpf.vm.Linkage.NONE);
    ProgArrayMap jmp =
        (ProgArrayMap)
            maps.create(
                new MapDefinition(
                    "jmp",
                    MapType.PROG_ARRAY,
                    4,
                    4,
                    4,
                    0,
                    0,
                    0,
                    0,
                    null,
                    null,
                    java.util.Map.of(2, "next"),
                    false));
    BpfMap inner =
        maps.create(
            new MapDefinition("inner", MapType.HASH, 4, 4, 4, 0, 0, 0, 0, null, null, null, false));
    MapOfMaps outer =
        (MapOfMaps)
            maps.create(
                new MapDefinition(
                    "outer",
                    MapType.HASH_OF_MAPS,
                    4,
                    4,
                    4,
                    0,
                    0,
                    0,
                    0,
                    null,
                    inner.definition(),
                    java.util.Map.of(7, "inner"),
                    false));
    maps.applyInitialSlots(name -> name.equals("next") ? target : null);
    assertEquals(target, jmp.program(2));
    assertEquals(inner, outer.inner(u32(7)));
    assertArrayEquals(u32(maps.programId(target)), jmp.lookup(u32(2)));
    ProgramRejectedException e =
        assertThrows(ProgramRejectedException.class, () -> maps.applyInitialSlots(name -> null));
    assertTrue(e.getMessage().contains("no program 'next'"), e.getMessage());
  }
}
