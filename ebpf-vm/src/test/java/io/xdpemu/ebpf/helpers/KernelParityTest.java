package io.xdpemu.ebpf.helpers;

import static io.xdpemu.ebpf.helpers.Harness.CTX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xdpemu.ebpf.jackson.JsonFiles;
import io.xdpemu.ebpf.jackson.Located;
import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.ebpf.maps.MapType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Replays each program of examples/maps through the helpers, call for call, and compares every
 * recorded return code (and the output frame) with what the running kernel produced for the same
 * program: examples/maps/expected/NAME.json, captured with bpftool prog run + map dump and
 * re-checked against the kernel by {@code KernelExamplesTest}.
 */
class KernelParityTest {
  static Path root() {
    String r = System.getProperty("xdpemu.root");
    return r != null ? Path.of(r) : Path.of("..");
  }

  static Located golden(String name) {
    Path p = root().resolve("examples/maps/expected/" + name + ".json");
    if (!Files.exists(p)) {
      throw new AssertionError("missing golden file " + p);
    }
    return JsonFiles.read(p).asObject();
  }

  static long[] expectedResults(Located g) {
    long[] out = new long[32];
    int i = 0;
    for (Located v : g.get("results").asArray()) {
      out[i++] = v.asLong();
    }
    return out;
  }

  private final Harness h = new Harness();
  private final long[] results = new long[32];

  private void record(int slot, long v) {
    results[slot] = v;
  }

  private void check(String name) {
    Located g = golden(name);
    assertArrayEquals(expectedResults(g), results, name + ": results differ from the kernel's");
  }

  private long upd(BpfMap m, long key, long value, long flags) {
    return h.call(HelperIds.MAP_UPDATE_ELEM, m.handle(), h.u32(key), h.u64(value), flags);
  }

  private long lookup(BpfMap m, long key) {
    return h.call(HelperIds.MAP_LOOKUP_ELEM, m.handle(), h.u32(key));
  }

  private long del(BpfMap m, long key) {
    return h.call(HelperIds.MAP_DELETE_ELEM, m.handle(), h.u32(key));
  }

  private byte[] dataIn(String name) {
    return HexFormat.of().parseHex(golden(name).get("data_in").asString());
  }

  @Test
  void hashMapsMatchTheKernel() {
    BpfMap small = h.map("small", MapType.HASH, 4, 8, 4);
    BpfMap lru = h.map("lru", MapType.LRU_HASH, 4, 8, 4);
    BpfMap pcpu = h.map("pcpu", MapType.PERCPU_HASH, 4, 8, 2);
    record(0, upd(small, 1, 10, 1));
    record(1, upd(small, 1, 10, 1));
    record(2, upd(small, 2, 20, 2));
    record(3, upd(small, 2, 20, 0));
    record(4, upd(small, 2, 21, 2));
    record(5, upd(small, 3, 30, 0));
    record(6, upd(small, 4, 40, 0));
    record(7, upd(small, 5, 50, 0));
    record(8, upd(small, 4, 40, 0));
    record(9, del(small, 9));
    record(10, upd(small, 9, 40, 4));
    record(11, upd(small, 9, 40, 8));
    record(12, lookup(small, 2) != 0 ? 1 : 0);
    record(13, lookup(small, 5) != 0 ? 1 : 0);
    for (int i = 1; i <= 4; i++) {
      record(13 + i, upd(lru, i, i, 1));
    }
    record(18, lookup(lru, 1) != 0 ? 1 : 0);
    record(19, upd(lru, 5, 5, 1));
    record(20, upd(lru, 5, 5, 4));
    record(21, lookup(lru, 5) != 0 ? 1 : 0);
    record(22, upd(pcpu, 7, 70, 0));
    record(23, upd(pcpu, 8, 70, 0));
    record(24, upd(pcpu, 9, 70, 0));
    record(25, del(pcpu, 9));
    record(26, del(pcpu, 8));
    check("maps_hash");
    // Final contents the kernel dumped: key 2 (least recently used) was evicted from lru.
    assertEquals(java.util.List.of(1L, 3L, 4L, 5L), keys(lru));
    assertEquals(java.util.List.of(1L, 2L, 3L, 4L), keys(small));
    assertEquals(21, Harness.le(21, 8)[0]);
    assertArrayEquals(Harness.le(21, 8), small.lookup(Harness.le(2, 4)));
    assertArrayEquals(Harness.le(70, 8), pcpu.lookupPerCpu(Harness.le(7, 4))[0]);
    assertArrayEquals(new byte[8], pcpu.lookupPerCpu(Harness.le(7, 4))[1]);
  }

  private static java.util.List<Long> keys(BpfMap m) {
    java.util.List<Long> out = new java.util.ArrayList<>();
    for (byte[] k : m.keys()) {
      out.add((long) java.nio.ByteBuffer.wrap(k).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
    }
    java.util.Collections.sort(out);
    return out;
  }

  @Test
  void arrayMapsMatchTheKernel() {
    BpfMap arr = h.map("arr", MapType.ARRAY, 4, 8, 4);
    BpfMap parr = h.map("parr", MapType.PERCPU_ARRAY, 4, 8, 2);
    record(0, upd(arr, 0, 5, 0));
    record(1, upd(arr, 0, 5, 1));
    record(2, upd(arr, 3, 7, 2));
    record(3, upd(arr, 4, 7, 0));
    record(4, lookup(arr, 4) != 0 ? 1 : 0);
    record(5, del(arr, 0));
    record(6, upd(arr, 0, 7, 3));
    long p = lookup(arr, 0);
    record(7, p != 0 ? h.readLong(p, 8) : -1);
    record(8, upd(parr, 1, 9, 0));
    record(9, upd(parr, 1, 9, 1));
    record(10, upd(parr, 1, 9, 4));
    p = lookup(parr, 1);
    byte[] b = h.ctx.memory().region(p).bytes();
    b[io.xdpemu.ebpf.vm.AddressSpace.offset(p)]++; // __sync_fetch_and_add(p, 1)
    record(11, h.readLong(p, 8));
    check("maps_array");
  }

  private long lpm(BpfMap m, int len, int a, int b, int c, int d) {
    return h.stack(
        new byte[] {(byte) len, (byte) (len >> 8), 0, 0, (byte) a, (byte) b, (byte) c, (byte) d});
  }

  private long find(BpfMap m, int len, int a, int b, int c, int d) {
    long p = h.call(HelperIds.MAP_LOOKUP_ELEM, m.handle(), lpm(m, len, a, b, c, d));
    return p != 0 ? h.readLong(p, 4) : 0xffffffffL;
  }

  @Test
  void lpmTrieMatchesTheKernel() {
    BpfMap routes = h.map("routes", MapType.LPM_TRIE, 8, 4, 3, BpfMap.BPF_F_NO_PREALLOC);
    long u = HelperIds.MAP_UPDATE_ELEM;
    record(0, h.call((int) u, routes.handle(), lpm(routes, 8, 10, 0, 0, 0), h.u32(8), 0));
    record(1, h.call((int) u, routes.handle(), lpm(routes, 16, 10, 1, 0, 0), h.u32(16), 1));
    record(2, h.call((int) u, routes.handle(), lpm(routes, 16, 10, 1, 0, 0), h.u32(16), 1));
    record(3, h.call((int) u, routes.handle(), lpm(routes, 24, 10, 1, 2, 0), h.u32(24), 2));
    record(4, h.call((int) u, routes.handle(), lpm(routes, 24, 10, 1, 2, 0), h.u32(24), 0));
    record(5, h.call((int) u, routes.handle(), lpm(routes, 30, 10, 1, 2, 0), h.u32(30), 0));
    record(6, h.call((int) u, routes.handle(), lpm(routes, 33, 10, 1, 2, 0), h.u32(30), 0));
    record(7, h.call(HelperIds.MAP_DELETE_ELEM, routes.handle(), lpm(routes, 12, 10, 1, 2, 0)));
    record(8, find(routes, 32, 10, 1, 2, 3));
    record(9, find(routes, 32, 10, 1, 9, 9));
    record(10, find(routes, 32, 10, 9, 9, 9));
    record(11, find(routes, 32, 192, 168, 0, 1));
    record(12, find(routes, 16, 10, 1, 2, 3));
    check("maps_lpm");
  }

  @Test
  void queueAndStackMatchTheKernel() {
    BpfMap fifo = h.map("fifo", MapType.QUEUE, 0, 4, 3);
    BpfMap lifo = h.map("lifo", MapType.STACK, 0, 4, 3);
    long out = h.u32(77);
    for (int i = 1; i <= 4; i++) {
      record(i - 1, h.call(HelperIds.MAP_PUSH_ELEM, fifo.handle(), h.u32(i), 0));
    }
    record(4, h.call(HelperIds.MAP_PUSH_ELEM, fifo.handle(), h.u32(5), 2));
    record(5, h.call(HelperIds.MAP_PUSH_ELEM, fifo.handle(), h.u32(5), 4));
    record(6, h.call(HelperIds.MAP_PEEK_ELEM, fifo.handle(), out));
    record(7, h.readLong(out, 4));
    record(8, h.call(HelperIds.MAP_POP_ELEM, fifo.handle(), out));
    record(9, h.readLong(out, 4));
    for (int i = 1; i <= 3; i++) {
      h.call(HelperIds.MAP_PUSH_ELEM, lifo.handle(), h.u32(i), 0);
    }
    record(10, h.call(HelperIds.MAP_PUSH_ELEM, lifo.handle(), h.u32(4), 2));
    for (int i = 0; i < 4; i++) {
      record(11 + 2 * i, h.call(HelperIds.MAP_POP_ELEM, lifo.handle(), out));
      if (i < 3) {
        record(12 + 2 * i, h.readLong(out, 4));
      }
    }
    record(18, h.readLong(out, 4));
    record(19, h.call(HelperIds.MAP_PUSH_ELEM, lifo.handle(), h.u32(8), 1));
    check("maps_queue");
  }

  @Test
  void redirectsMatchTheKernel() {
    BpfMap devs = h.map("devs", MapType.DEVMAP, 4, 4, 4);
    BpfMap devhash = h.map("devhash", MapType.DEVMAP_HASH, 4, 4, 4);
    BpfMap cpus = h.map("cpus", MapType.CPUMAP, 4, 4, 2);
    BpfMap xsks = h.map("xsks", MapType.XSKMAP, 4, 4, 2);
    h.packet(dataIn("maps_redirect"));
    int rm = HelperIds.REDIRECT_MAP;
    record(0, h.call(rm, devs.handle(), 1, 0));
    record(1, h.call(rm, devs.handle(), 1, 2));
    record(2, h.call(rm, devs.handle(), 9, 3));
    record(3, h.call(rm, devs.handle(), 1, 4));
    record(4, h.call(rm, devs.handle(), 1, 8));
    record(5, h.call(rm, devhash.handle(), 1, 1));
    record(6, h.call(rm, cpus.handle(), 0, 2));
    record(7, h.call(rm, cpus.handle(), 0, 8 | 2));
    record(8, h.call(rm, xsks.handle(), 1, 1));
    record(9, h.call(HelperIds.REDIRECT, 1, 1));
    record(10, h.call(HelperIds.REDIRECT, 1, 0));
    record(11, lookup(devs, 1) != 0 ? 1 : 0);
    check("maps_redirect");
  }

  @Test
  void xdpFrameHelpersMatchTheKernel() {
    h.packet(dataIn("helpers_xdp"));
    long buf = h.stack(new byte[8]);
    long mark = h.stack(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef});
    record(0, h.call(HelperIds.XDP_GET_BUFF_LEN, CTX));
    record(1, h.call(HelperIds.XDP_ADJUST_HEAD, CTX, -217));
    record(2, h.call(HelperIds.XDP_ADJUST_HEAD, CTX, -216));
    record(3, h.call(HelperIds.XDP_ADJUST_HEAD, CTX, 216));
    record(4, h.call(HelperIds.XDP_ADJUST_HEAD, CTX, 64 - 13));
    record(5, h.call(HelperIds.XDP_ADJUST_HEAD, CTX, 4));
    record(6, h.call(HelperIds.XDP_ADJUST_META, CTX, -6));
    record(7, h.call(HelperIds.XDP_ADJUST_META, CTX, 4));
    record(8, h.call(HelperIds.XDP_ADJUST_META, CTX, -224));
    record(9, h.call(HelperIds.XDP_ADJUST_META, CTX, -220));
    record(10, h.call(HelperIds.XDP_ADJUST_HEAD, CTX, -4));
    record(11, h.call(HelperIds.XDP_ADJUST_META, CTX, 220));
    record(12, h.call(HelperIds.XDP_ADJUST_TAIL, CTX, -47));
    record(13, h.call(HelperIds.XDP_ADJUST_TAIL, CTX, 4096));
    record(14, h.call(HelperIds.XDP_ADJUST_TAIL, CTX, 3776 - 260 - 60));
    record(15, h.call(HelperIds.XDP_ADJUST_TAIL, CTX, 1));
    record(16, h.call(HelperIds.XDP_ADJUST_TAIL, CTX, -(3776 - 260 - 60) + 6));
    record(17, h.call(HelperIds.XDP_GET_BUFF_LEN, CTX));
    record(18, h.call(HelperIds.XDP_LOAD_BYTES, CTX, 60, buf, 6));
    byte[] b = h.read(buf, 8);
    record(19, b[0] | b[5]);
    record(20, h.call(HelperIds.XDP_LOAD_BYTES, CTX, 61, buf, 6));
    record(21, h.call(HelperIds.XDP_LOAD_BYTES, CTX, 0x10000, buf, 1));
    record(22, h.call(HelperIds.XDP_STORE_BYTES, CTX, 0, mark, 4));
    record(23, h.call(HelperIds.XDP_STORE_BYTES, CTX, 63, mark, 4));
    record(24, h.call(HelperIds.XDP_LOAD_BYTES, CTX, 0, buf, 8));
    b = h.read(buf, 8);
    record(25, (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff));
    check("helpers_xdp");
    assertEquals(
        golden("helpers_xdp").get("data_out").asString(),
        HexFormat.of().formatHex(h.packetBytes()));
  }

  @Test
  void csumDiffMatchesTheKernelExactly() {
    h.packet(dataIn("helpers_csum"));
    long w = io.xdpemu.ebpf.vm.AddressSpace.pointer(io.xdpemu.ebpf.vm.AddressSpace.PACKET, 256);
    int cd = HelperIds.CSUM_DIFF;
    record(0, h.call(cd, 0, 0, w, 4, 0));
    record(1, h.call(cd, 0, 0, w, 20, 0));
    record(2, h.call(cd, 0, 0, w, 40, 0x12345678));
    record(3, h.call(cd, w, 8, 0, 0, 0));
    record(4, h.call(cd, w, 8, 0, 0, 0xffffffffL));
    record(5, h.call(cd, w, 4, w + 4, 4, 0));
    record(6, h.call(cd, w, 16, w + 16, 16, 0xabcd));
    record(7, h.call(cd, w, 4, w, 4, 0));
    record(8, h.call(cd, 0, 0, w, 3, 0));
    record(9, h.call(cd, w, 2, w, 4, 0));
    record(10, h.call(cd, 0, 0, 0, 0, 0x1234));
    check("helpers_csum");
  }

  @Test
  void miscHelpersMatchTheKernel() {
    BpfMap results = h.map("results", MapType.ARRAY, 4, 8, 64);
    BpfMap guarded = h.map("guarded", MapType.ARRAY, 4, 8, 1);
    BpfMap events = h.map("events", MapType.RINGBUF, 0, 0, 4096);
    h.packet(dataIn("helpers_misc"));
    long dst = h.u64(0x1111111111111111L);
    long str = h.stack(new byte[] {'a', 'b', 'c', 0, 0, 0, 0, 0});
    long out = h.stack(new byte[8]);
    long mtu = h.u32(0);
    record(0, h.call(HelperIds.PROBE_READ_KERNEL, dst, 8, 0));
    record(1, h.readLong(dst, 8));
    record(2, h.call(HelperIds.PROBE_READ_KERNEL, dst, 8, str));
    record(3, h.call(HelperIds.PROBE_READ_KERNEL_STR, out, 8, 0));
    record(4, h.call(HelperIds.PROBE_READ_KERNEL_STR, out, 8, str));
    record(5, h.call(HelperIds.PROBE_READ_KERNEL_STR, out, 2, str));
    byte[] o = h.read(out, 2);
    record(6, o[0] << 8 | o[1]);
    java.util.List<String> trace = new java.util.ArrayList<>();
    h.ctx.trace = trace::add;
    record(
        7,
        h.call(
            HelperIds.TRACE_PRINTK,
            h.stack("x=%d\n\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
            6,
            42));
    long slot = h.call(HelperIds.RINGBUF_RESERVE, events.handle(), 16, 0);
    record(8, slot != 0 ? 1 : 0);
    io.xdpemu.ebpf.helpers.HelperMemory.writeU64(h.ctx, slot, 0xabcdef);
    h.call(HelperIds.RINGBUF_SUBMIT, slot, 0);
    record(9, h.call(HelperIds.RINGBUF_RESERVE, events.handle(), 16, 1) != 0 ? 1 : 0);
    record(10, h.call(HelperIds.RINGBUF_OUTPUT, events.handle(), dst, 8, 0));
    record(11, h.call(HelperIds.RINGBUF_QUERY, events.handle(), 0));
    record(12, h.call(HelperIds.RINGBUF_QUERY, events.handle(), 1));
    record(13, h.call(HelperIds.RINGBUF_OUTPUT, events.handle(), dst, 8, 4));
    record(14, h.call(HelperIds.RINGBUF_RESERVE, events.handle(), 5000, 0) != 0 ? 1 : 0);
    long l = lookup(guarded, 0);
    h.call(HelperIds.SPIN_LOCK, l);
    io.xdpemu.ebpf.helpers.HelperMemory.writeU32(h.ctx, l + 4, h.readLong(l + 4, 4) + 3);
    h.call(HelperIds.SPIN_UNLOCK, l);
    record(15, h.readLong(l + 4, 4));
    record(20, h.call(HelperIds.RINGBUF_QUERY, events.handle(), 7));
    record(21, h.call(HelperIds.CHECK_MTU, CTX, 0, mtu, 0, 0));
    record(22, h.readLong(mtu, 4));
    record(23, h.call(HelperIds.CHECK_MTU, CTX, 0, mtu, 0, 1));
    io.xdpemu.ebpf.helpers.HelperMemory.writeU32(h.ctx, mtu, 65536);
    record(24, h.call(HelperIds.CHECK_MTU, CTX, 0, mtu, 1, 0));
    record(25, h.call(HelperIds.CHECK_MTU, CTX, 0x7fffffff, mtu, 0, 0));
    record(26, h.call(HelperIds.GET_SMP_PROCESSOR_ID) < 512 ? 1 : 0);
    guarded.setSpinLockOffset(0); // what SpecialFields finds in struct locked's BTF
    long nv = h.stack(new byte[] {0, 0, 0, 0, 40, 0, 0, 0});
    record(27, h.call(HelperIds.MAP_UPDATE_ELEM, guarded.handle(), h.u32(0), nv, 4));
    record(28, h.call(HelperIds.MAP_UPDATE_ELEM, guarded.handle(), h.u32(0), nv, 4 | 1));
    record(29, h.readLong(lookup(guarded, 0) + 4, 4));
    record(30, h.call(HelperIds.MAP_UPDATE_ELEM, results.handle(), h.u32(0), dst, 4));
    check("helpers_misc");
    assertEquals(64, results.maxEntries());
    assertEquals(java.util.List.of("x=42\n"), trace);
    java.util.List<byte[]> records = ((io.xdpemu.ebpf.maps.RingBufMap) events).poll();
    assertEquals(2, records.size());
    assertArrayEquals(java.util.Arrays.copyOf(Harness.le(0xabcdef, 8), 16), records.get(0));
    assertArrayEquals(
        new byte[] {(byte) 0x61, 0x62, 0x63, 0, 0, 0, 0, 0}, records.get(1)); // dst now holds "abc"
  }

  @Test
  void callbackHelpersMatchTheKernel() {
    BpfMap res = h.map("results", MapType.ARRAY, 4, 8, 64);
    // count_up (function 1) and visit (function 2) of helpers_callbacks.c, as an engine would run
    // them: r1..r5 as the helper passes them.
    h.ctx.callbacks =
        (ctx, fn, r1, r2, r3, r4, r5) -> {
          if (fn == 1) {
            HelperMemory.writeU64(ctx, r2, h.readLong(r2, 8) + r1);
            return r1 == 9 ? 1 : 0;
          }
          HelperMemory.writeU64(ctx, r4, h.readLong(r4, 8) + 1);
          return h.readLong(r2, 4) == 2 ? 1 : 0;
        };
    long sum = h.u64(0);
    record(0, h.call(HelperIds.LOOP, 100, 1, sum, 0));
    record(1, h.readLong(sum, 8));
    record(2, h.call(HelperIds.LOOP, 5, 1, sum, 1));
    record(3, h.call(HelperIds.LOOP, (1 << 23) + 1, 1, sum, 0));
    HelperMemory.writeU64(h.ctx, sum, 0);
    for (int i = 0; i < 4; i++) { // what the program recorded so far
      res.update(Harness.le(i, 4), Harness.le(results[i], 8), 0);
    }
    record(4, h.call(HelperIds.FOR_EACH_MAP_ELEM, res.handle(), 2, sum, 0));
    record(5, h.readLong(sum, 8));
    check("helpers_callbacks");
  }

  @Test
  void lruEvictionsMatchTheKernelsLruLists() {
    Located g = golden("maps_lru");
    Harness lh = new Harness(g.get("cpus").asInt(), Fib.empty());
    BpfMap a = lh.map("a", MapType.LRU_HASH, 4, 8, 8);
    BpfMap b = lh.map("b", MapType.LRU_HASH, 4, 8, 8);
    java.util.function.BiFunction<BpfMap, long[], Long> call =
        (m, kvf) ->
            lh.call(HelperIds.MAP_UPDATE_ELEM, m.handle(), lh.u32(kvf[0]), lh.u64(1), kvf[1]);
    for (int i = 1; i <= 8; i++) {
      call.apply(a, new long[] {i, 1});
      call.apply(b, new long[] {i, 1});
    }
    record(0, call.apply(a, new long[] {9, 1}));
    for (int i = 1; i <= 9; i++) {
      record(i, lh.call(HelperIds.MAP_LOOKUP_ELEM, a.handle(), lh.u32(i)) != 0 ? 1 : 0);
    }
    for (int i = 1; i <= 8; i += 2) {
      lh.call(HelperIds.MAP_LOOKUP_ELEM, b.handle(), lh.u32(i));
    }
    for (int i = 9; i <= 12; i++) {
      call.apply(b, new long[] {i, 1});
    }
    for (int i = 1; i <= 12; i++) {
      record(16 + i, lh.call(HelperIds.MAP_LOOKUP_ELEM, b.handle(), lh.u32(i)) != 0 ? 1 : 0);
    }
    BpfMap c = lh.map("c", MapType.LRU_PERCPU_HASH, 4, 8, 4);
    for (int i = 1; i <= 4; i++) {
      call.apply(c, new long[] {i, 1});
    }
    record(10, call.apply(c, new long[] {5, 2}));
    record(11, call.apply(c, new long[] {5, 1}));
    for (int i = 1; i <= 4; i++) {
      record(11 + i, lh.call(HelperIds.MAP_LOOKUP_ELEM, c.handle(), lh.u32(i)) != 0 ? 1 : 0);
    }
    record(29, call.apply(b, new long[] {12, 2}));
    record(30, call.apply(b, new long[] {12, 1}));
    record(31, call.apply(b, new long[] {12, 4}));
    check("maps_lru");
  }

  @Test
  void tailCallLimitMatchesTheKernel() {
    BpfMap res = h.map("results", MapType.ARRAY, 4, 8, 64);
    io.xdpemu.ebpf.maps.ProgArrayMap jmp =
        (io.xdpemu.ebpf.maps.ProgArrayMap) h.map("jmp", MapType.PROG_ARRAY, 4, 4, 2);
    String res0 = "0x" + Long.toHexString(res.handle());
    // helpers_tailcall.c, by hand: count runs in results[0], tail-call slot 0 (itself), count
    // fall-throughs in results[1], tail-call the empty slot 1, count in results[2].
    io.xdpemu.ebpf.vm.Program self =
        new io.xdpemu.ebpf.vm.Program(
            "helpers_tailcall",
            io.xdpemu.ebpf.isa.Assembler.assemble(
                String.join(
                    "\n",
                    "mov %r6, %r1",
                    "stw [%r10-4], 0",
                    "mov %r2, %r10",
                    "add %r2, -4",
                    "lddw %r1, " + res0,
                    "call 1",
                    "jeq %r0, 0, +2",
                    "mov %r1, 1",
                    "lock add [%r0+0], %r1",
                    "mov %r1, %r6",
                    "lddw %r2, 0x" + Long.toHexString(jmp.handle()),
                    "mov %r3, 0",
                    "call 12",
                    "stw [%r10-4], 1",
                    "mov %r2, %r10",
                    "add %r2, -4",
                    "lddw %r1, " + res0,
                    "call 1",
                    "jeq %r0, 0, +2",
                    "mov %r1, 1",
                    "lock add [%r0+0], %r1",
                    "mov %r1, %r6",
                    "lddw %r2, 0x" + Long.toHexString(jmp.handle()),
                    "mov %r3, 1",
                    "call 12",
                    "stw [%r10-4], 2",
                    "mov %r2, %r10",
                    "add %r2, -4",
                    "lddw %r1, " + res0,
                    "call 1",
                    "jeq %r0, 0, +2",
                    "mov %r1, 1",
                    "lock add [%r0+0], %r1",
                    "mov %r0, 2",
                    "exit")),
            h.helpers,
            io.xdpemu.ebpf.vm.Linkage.NONE);
    jmp.setProgram(0, self);
    h.packet(dataIn("helpers_tailcall"));
    assertEquals(2, io.xdpemu.ebpf.vm.Interpreter.forProgram(self).run(h.ctx, CTX));
    for (int i = 0; i < 3; i++) {
      byte[] v = res.lookup(Harness.le(i, 4));
      record(i, java.nio.ByteBuffer.wrap(v).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
    }
    check("helpers_tailcall");
  }

  @Test
  void mapsInMapsMatchTheKernel() {
    BpfMap innerA = h.map("inner_a", MapType.ARRAY, 4, 8, 4);
    BpfMap innerB = h.map("inner_b", MapType.ARRAY, 4, 8, 4);
    io.xdpemu.ebpf.maps.MapDefinition tmpl = innerA.definition();
    BpfMap outerArr =
        h.maps.create(
            new io.xdpemu.ebpf.maps.MapDefinition(
                "outer_arr",
                MapType.ARRAY_OF_MAPS,
                4,
                4,
                2,
                0,
                0,
                0,
                0,
                null,
                tmpl,
                java.util.Map.of(0, "inner_a"),
                false));
    BpfMap outerHash =
        h.maps.create(
            new io.xdpemu.ebpf.maps.MapDefinition(
                "outer_hash",
                MapType.HASH_OF_MAPS,
                4,
                4,
                2,
                0,
                0,
                0,
                0,
                null,
                tmpl,
                java.util.Map.of(1, "inner_b"),
                false));
    h.maps.applyInitialSlots(name -> null);
    long a = lookup(outerArr, 0);
    record(0, a != 0 ? 1 : 0);
    record(1, h.call(HelperIds.MAP_UPDATE_ELEM, a, h.u32(1), h.u64(11), 0));
    long p = h.call(HelperIds.MAP_LOOKUP_ELEM, a, h.u32(1));
    record(2, p != 0 ? h.readLong(p, 8) : -1);
    record(3, lookup(outerArr, 1) != 0 ? 1 : 0);
    long b = lookup(outerHash, 1);
    record(4, b != 0 ? 1 : 0);
    record(5, h.call(HelperIds.MAP_UPDATE_ELEM, b, h.u32(2), h.u64(22), 1));
    record(6, h.call(HelperIds.MAP_UPDATE_ELEM, b, h.u32(2), h.u64(22), 0));
    record(7, lookup(outerHash, 2) != 0 ? 1 : 0);
    check("maps_in_maps");
    assertArrayEquals(Harness.le(22, 8), innerB.lookup(Harness.le(2, 4)));
  }

  @Test
  void perfEventOutputChecksMatchTheKernel() {
    BpfMap perf = h.map("perf", MapType.PERF_EVENT_ARRAY, 4, 4, 2);
    h.packet(dataIn("helpers_perf"));
    long dst = h.u64(0x1111111111111111L);
    int peo = HelperIds.PERF_EVENT_OUTPUT;
    record(0, h.call(peo, CTX, perf.handle(), 0xffffffffL, dst, 8));
    record(1, h.call(peo, CTX, perf.handle(), 5, dst, 8));
    record(2, h.call(peo, CTX, perf.handle(), 1L << 60, dst, 8));
    record(3, h.call(peo, CTX, perf.handle(), (100L << 32) | 0xffffffffL, dst, 8));
    check("helpers_perf");
  }
}
