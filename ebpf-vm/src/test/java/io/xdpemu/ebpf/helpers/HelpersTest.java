package io.xdpemu.ebpf.helpers;

import static io.xdpemu.ebpf.helpers.Harness.CTX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.isa.Assembler;
import io.xdpemu.ebpf.jackson.JsonFiles;
import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.ebpf.maps.Errno;
import io.xdpemu.ebpf.maps.MapType;
import io.xdpemu.ebpf.maps.PerfEventArrayMap;
import io.xdpemu.ebpf.maps.ProgArrayMap;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.Interpreter;
import io.xdpemu.ebpf.vm.Linkage;
import io.xdpemu.ebpf.vm.Program;
import io.xdpemu.ebpf.vm.RxMetadataSource;
import io.xdpemu.ebpf.vm.TrapException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HelpersTest {
  private final Harness h = new Harness();

  private Program program(String... lines) {
    return new Program("p", Assembler.assemble(String.join("\n", lines)), h.helpers, Linkage.NONE);
  }

  private static String handle(BpfMap m) {
    return "0x" + Long.toHexString(m.handle());
  }

  @Test
  void tailCallsStopAfterThirtyThree() {
    ProgArrayMap jmp = (ProgArrayMap) h.map("jmp", MapType.PROG_ARRAY, 4, 4, 2);
    // Tail-calls itself through slot 0; the 34th attempt fails and the program returns 7.
    Program self =
        program("lddw %r2, " + handle(jmp), "mov %r3, 0", "call 12", "mov %r0, 7", "exit");
    jmp.setProgram(0, self);
    h.packet(new byte[14]);
    long r0 = Interpreter.forProgram(self).run(h.ctx, CTX);
    assertEquals(7, r0);
    assertEquals(33, h.ctx.tailCalls);
    h.ctx.resetRun();
    // An empty slot still counts; an index past the end does not.
    assertEquals(-Errno.ENOENT, h.call(HelperIds.TAIL_CALL, CTX, jmp.handle(), 1));
    assertEquals(1, h.ctx.tailCalls);
    assertEquals(-Errno.ENOENT, h.call(HelperIds.TAIL_CALL, CTX, jmp.handle(), 2));
    assertEquals(1, h.ctx.tailCalls);
  }

  @Test
  void atomicAddsOnAMapValueAreExactUnderConcurrentQueues() throws Exception {
    BpfMap counters = h.map("counters", MapType.ARRAY, 4, 8, 1);
    Program p =
        program(
            "stw [%r10-4], 0",
            "mov %r2, %r10",
            "add %r2, -4",
            "lddw %r1, " + handle(counters),
            "call 1",
            "jeq %r0, 0, +2",
            "mov %r1, 1",
            "lock add [%r0+0], %r1",
            "mov %r0, 2",
            "exit");
    Interpreter interp = Interpreter.forProgram(p);
    Thread[] ts = new Thread[4];
    for (int t = 0; t < ts.length; t++) {
      int cpu = t;
      ts[t] =
          new Thread(
              () -> {
                ExecutionContext c = new ExecutionContext(h.regions);
                c.cpu = cpu;
                for (int i = 0; i < 20_000; i++) {
                  interp.run(c, CTX);
                }
              });
      ts[t].start();
    }
    for (Thread t : ts) {
      t.join();
    }
    assertArrayEquals(Harness.le(80_000, 8), counters.lookup(Harness.le(0, 4)));
  }

  @Test
  void unknownHelperAndBadMapPointerAreClearTraps() {
    TrapException t =
        assertThrows(
            TrapException.class,
            () -> Interpreter.forProgram(program("call 9999", "exit")).run(h.ctx, CTX));
    assertEquals("trap at pc 0: call to unknown helper id 9999", t.getMessage());
    h.ctx.pc = 5;
    t =
        assertThrows(
            TrapException.class, () -> h.call(HelperIds.MAP_LOOKUP_ELEM, 0x1234, h.u32(0)));
    assertEquals(
        "trap at pc 5: bad map pointer 0x1234 passed to a map helper (not a map)", t.getMessage());
    BpfMap m = h.map("m", MapType.HASH, 16, 8, 4);
    long shortKey =
        io.xdpemu.ebpf.vm.AddressSpace.pointer(
            io.xdpemu.ebpf.vm.AddressSpace.STACK,
            ExecutionContext.FRAME_STACK * ExecutionContext.MAX_FRAMES - 8);
    t =
        assertThrows(
            TrapException.class, () -> h.call(HelperIds.MAP_LOOKUP_ELEM, m.handle(), shortKey));
    assertTrue(
        t.getMessage().contains("out-of-bounds read") && t.getMessage().contains("size 16"),
        t.getMessage());
  }

  @Test
  void probeReadKernelCopiesMappedKernelMemoryAndFailsLikeTheKernel() {
    long addr = 0xffff888000100000L;
    h.ctx.kernel.map(addr, new byte[] {1, 2, 3, 4, 'h', 'i', 0, 9}, 0, 8);
    long dst = h.u64(-1);
    assertEquals(0, h.call(HelperIds.PROBE_READ_KERNEL, dst, 4, addr + 2));
    assertArrayEquals(new byte[] {3, 4, 'h', 'i'}, h.read(dst, 4));
    assertEquals(-Errno.EFAULT, h.call(HelperIds.PROBE_READ_KERNEL, dst, 8, addr + 4));
    assertArrayEquals(new byte[8], h.read(dst, 8), "zero-filled on failure");
    assertEquals(-Errno.ERANGE, h.call(HelperIds.PROBE_READ_KERNEL, dst, 8, 0x1000));
    assertEquals(3, h.call(HelperIds.PROBE_READ_KERNEL_STR, dst, 8, addr + 4));
    assertEquals(-Errno.EFAULT, h.call(HelperIds.PROBE_READ, dst, 8, 0));
  }

  /**
   * copy_from_kernel_nofault_allowed() on x86-64 (Linux 6.18, BPF_PROG_TEST_RUN through the
   * verifier differential): non-canonical, vsyscall and user addresses are -ERANGE before any copy,
   * even of zero bytes; a canonical kernel address that faults is -EFAULT, of zero bytes 0. The
   * addresses are non-canonical or user ones on every x86-64 layout; the first one above 4-level
   * user space (1 << 47), canonical on a CPU with 57 virtual address bits, is HostAddressingTest's.
   */
  @Test
  void probeReadKernelRefusesNonCanonicalAndUserAddressesWithErange() {
    long dst = h.u64(-1);
    for (long a :
        new long[] {
          0x0100000000000000L,
          0x8000000000000000L,
          0xdead000000000000L,
          0x7fff00000000L,
          0xffffffffff600000L,
          0xffffffffff600ff8L
        }) {
      assertEquals(
          -Errno.ERANGE, h.call(HelperIds.PROBE_READ_KERNEL, dst, 8, a), Long.toHexString(a));
      assertEquals(
          -Errno.ERANGE, h.call(HelperIds.PROBE_READ_KERNEL, dst, 0, a), Long.toHexString(a));
    }
    assertEquals(-Errno.EFAULT, h.call(HelperIds.PROBE_READ_KERNEL, dst, 8, 0xffff800000000000L));
    assertEquals(0, h.call(HelperIds.PROBE_READ_KERNEL, dst, 0, 0xffff800000000000L));
    assertEquals(-Errno.EFAULT, h.call(HelperIds.PROBE_READ_KERNEL, dst, 8, 0xfffffffffffff000L));
  }

  private String printk(String fmt, long... args) {
    List<String> out = new ArrayList<>();
    h.ctx.trace = out::add;
    byte[] f = (fmt + "\0").getBytes(StandardCharsets.US_ASCII);
    long[] a = java.util.Arrays.copyOf(args, 3);
    long rc = h.call(HelperIds.TRACE_PRINTK, h.stack(f), f.length, a[0], a[1], a[2]);
    if (rc < 0) {
      return "rc=" + rc;
    }
    assertEquals(out.get(0).length(), rc);
    return out.get(0);
  }

  @Test
  void tracePrintkFormatsLikeBprintfAndRejectsWhatTheKernelRejects() {
    assertEquals("-1 4294967295 ffffffff", printk("%d %u %x", 0xffffffffL, -1, -1));
    assertEquals("-1 18446744073709551615", printk("%lld %llu", -1, -1));
    assertEquals("[  42|42  |0042]", printk("[%4d|%-4d|%04x]", 42, 42, 0x42));
    assertEquals("-2 254 A%", printk("%hhd %hhu %c%%", 0xfe, 0xfe, 'A'));
    long ip = h.stack(new byte[] {10, 0, 0, 1});
    assertEquals("10.0.0.1 010.000.000.001", printk("%pI4 %pi4", ip, ip));
    long s = h.stack("xdp\0".getBytes(StandardCharsets.US_ASCII));
    assertEquals("<xdp>", printk("<%s>", s));
    assertEquals("rc=-22", printk("%d %d %d %d", 1, 2, 3));
    assertEquals("rc=-22", printk("%q", 1));
    assertEquals("rc=-22", printk("%5.2d", 1));
    long noNul = h.stack("abc".getBytes(StandardCharsets.US_ASCII));
    assertEquals(-Errno.EINVAL, h.call(HelperIds.TRACE_PRINTK, noNul, 3, 0, 0, 0));
  }

  @Test
  void redirectMapToAPresentDevmapEntryRecordsTheTarget() {
    BpfMap devs = h.map("devs", MapType.DEVMAP, 4, 4, 4);
    devs.update(Harness.le(2, 4), Harness.le(7, 4), 0);
    h.packet(new byte[14]);
    assertEquals(4, h.call(HelperIds.REDIRECT_MAP, devs.handle(), 2, 0));
    assertEquals(devs.handle(), h.ctx.redirectMapHandle);
    assertEquals(2, h.ctx.redirectKey);
    assertEquals(7, h.ctx.redirectIfindex);
    assertEquals(2, h.call(HelperIds.REDIRECT_MAP, devs.handle(), 3, 2), "fallback XDP_PASS");
    assertEquals(0, h.ctx.redirectMapHandle, "a failed lookup clears the map");
    long p = h.call(HelperIds.MAP_LOOKUP_ELEM, devs.handle(), h.u32(2));
    assertThrows(
        TrapException.class,
        () -> h.ctx.memory().check(0, p, 4, true),
        "devmap values are read-only");
  }

  @Test
  void perfEventOutputAppendsPacketBytesToTheSample() {
    PerfEventArrayMap perf = (PerfEventArrayMap) h.map("perf", MapType.PERF_EVENT_ARRAY, 4, 4, 2);
    h.packet(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14});
    long data = h.u32(0xaabbccdd);
    long flags = (3L << 32) | 0xffffffffL;
    assertEquals(
        -Errno.ENOENT, h.call(HelperIds.PERF_EVENT_OUTPUT, CTX, perf.handle(), flags, data, 4));
    perf.openAllCpus();
    h.ctx.cpu = 1;
    assertEquals(0, h.call(HelperIds.PERF_EVENT_OUTPUT, CTX, perf.handle(), flags, data, 4));
    assertEquals(
        -Errno.EOPNOTSUPP, h.call(HelperIds.PERF_EVENT_OUTPUT, CTX, perf.handle(), 0, data, 4));
    assertEquals(-Errno.E2BIG, h.call(HelperIds.PERF_EVENT_OUTPUT, CTX, perf.handle(), 5, data, 4));
    assertEquals(
        -Errno.EFAULT,
        h.call(HelperIds.PERF_EVENT_OUTPUT, CTX, perf.handle(), 15L << 32 | 1, data, 4));
    assertEquals(
        -Errno.EINVAL, h.call(HelperIds.PERF_EVENT_OUTPUT, CTX, perf.handle(), 1L << 60, data, 4));
    List<PerfEventArrayMap.Sample> s = perf.drain();
    assertEquals(1, s.size());
    assertArrayEquals(
        new byte[] {(byte) 0xdd, (byte) 0xcc, (byte) 0xbb, (byte) 0xaa, 1, 2, 3}, s.get(0).data());
  }

  @Test
  void kfuncsAnswerFromTheNicOrReturnEnodata() {
    h.packet(new byte[14]);
    long ts = h.u64(0);
    long hash = h.u32(0);
    long type = h.u32(0);
    long proto = h.stack(new byte[2]);
    long tci = h.stack(new byte[2]);
    assertEquals(-Errno.ENODATA, h.kfunc("bpf_xdp_metadata_rx_timestamp", CTX, ts));
    assertEquals(-Errno.ENODATA, h.kfunc("bpf_xdp_metadata_rx_hash", CTX, hash, type));
    assertEquals(-Errno.ENODATA, h.kfunc("bpf_xdp_metadata_rx_vlan_tag", CTX, proto, tci));
    h.ctx.rxMetadata =
        new RxMetadataSource() {
          @Override
          public boolean rxTimestamp(long[] out) {
            out[0] = 1_700_000_000_123L;
            return true;
          }

          @Override
          public boolean rxHash(long[] out) {
            out[0] = 0xdeadbeefL;
            out[1] = XdpRssHashType.TYPE_L4_IPV4_TCP;
            return true;
          }

          @Override
          public boolean rxVlanTag(long[] out) {
            out[0] = 0x8100;
            out[1] = 0x2064;
            return true;
          }
        };
    assertEquals(0, h.kfunc("bpf_xdp_metadata_rx_timestamp", CTX, ts));
    assertEquals(1_700_000_000_123L, h.readLong(ts, 8));
    assertEquals(0, h.kfunc("bpf_xdp_metadata_rx_hash", CTX, hash, type));
    assertEquals(0xdeadbeefL, h.readLong(hash, 4));
    assertEquals(1 | 8 | 16, h.readLong(type, 4));
    assertEquals(0, h.kfunc("bpf_xdp_metadata_rx_vlan_tag", CTX, proto, tci));
    assertArrayEquals(new byte[] {(byte) 0x81, 0}, h.read(proto, 2), "__be16");
    assertEquals(0x2064, h.readLong(tci, 2));
  }

  private static final String FIB =
      String.join(
          "\n",
          "{\"interfaces\": [",
          "  {\"ifindex\": 2, \"name\": \"eth0\", \"mac\": \"02:00:00:00:00:02\", \"mtu\": 1500,",
          "   \"addresses\": [\"10.0.0.1/24\"]},",
          "  {\"ifindex\": 3, \"name\": \"eth1\", \"mac\": \"02:00:00:00:00:03\", \"mtu\": 9000,",
          "   \"addresses\": [\"192.168.1.1/24\"]},",
          "  {\"ifindex\": 4, \"name\": \"mgmt\", \"forwarding\": false}],",
          " \"routes\": [",
          "  {\"dst\": \"0.0.0.0/0\", \"via\": \"10.0.0.254\", \"dev\": 2, \"metric\": 100},",
          "  {\"dst\": \"172.16.0.0/12\", \"via\": \"192.168.1.254\", \"dev\": 3},",
          "  {\"dst\": \"172.16.5.0/24\", \"type\": \"blackhole\"}],",
          " \"neighbours\": [",
          "  {\"ip\": \"10.0.0.254\", \"mac\": \"02:00:00:00:00:fe\", \"dev\": 2},",
          "  {\"ip\": \"192.168.1.7\", \"mac\": \"02:00:00:00:01:07\", \"dev\": 3}]}");

  @Test
  void fibLookupRoutesByLongestPrefixAndFillsMacs() {
    Harness f = new Harness(1, FibJson.parse(JsonFiles.parse(FIB, "fib.json")));
    f.packet(new byte[14]);
    long p = fibParamsOn(f, 2, 100, 192, 168, 1, 7);
    assertEquals(0, f.call(HelperIds.FIB_LOOKUP, CTX, p, 64, 0));
    byte[] out = f.read(p, 64);
    assertEquals(3, out[8], "egress ifindex");
    assertArrayEquals(
        new byte[] {2, 0, 0, 0, 1, 7}, java.util.Arrays.copyOfRange(out, 58, 64), "dmac");
    assertArrayEquals(
        new byte[] {2, 0, 0, 0, 0, 3}, java.util.Arrays.copyOfRange(out, 52, 58), "smac");
    assertEquals(9000, (out[6] & 0xff) | (out[7] & 0xff) << 8, "mtu_result");
    long gw = fibParamsOn(f, 2, 100, 8, 8, 8, 8);
    assertEquals(0, f.call(HelperIds.FIB_LOOKUP, CTX, gw, 64, 0));
    assertArrayEquals(
        new byte[] {10, 0, 0, (byte) 254},
        java.util.Arrays.copyOfRange(f.read(gw, 64), 32, 36),
        "the gateway becomes the destination");
    assertEquals(
        7,
        f.call(HelperIds.FIB_LOOKUP, CTX, fibParamsOn(f, 2, 100, 172, 16, 1, 1), 64, 0),
        "NO_NEIGH");
    assertEquals(
        0,
        f.call(HelperIds.FIB_LOOKUP, CTX, fibParamsOn(f, 2, 100, 172, 16, 1, 1), 64, 4),
        "SKIP_NEIGH");
    assertEquals(
        1,
        f.call(HelperIds.FIB_LOOKUP, CTX, fibParamsOn(f, 2, 100, 172, 16, 5, 1), 64, 0),
        "BLACKHOLE");
    long big = fibParamsOn(f, 2, 1600, 8, 8, 8, 8);
    assertEquals(8, f.call(HelperIds.FIB_LOOKUP, CTX, big, 64, 0), "FRAG_NEEDED");
    assertEquals(1500, f.readLong(big + 6, 2));
    assertEquals(
        5,
        f.call(HelperIds.FIB_LOOKUP, CTX, fibParamsOn(f, 4, 100, 8, 8, 8, 8), 64, 0),
        "FWD_DISABLED");
    assertEquals(
        -Errno.ENODEV,
        f.call(HelperIds.FIB_LOOKUP, CTX, fibParamsOn(f, 9, 100, 8, 8, 8, 8), 64, 0));
    assertEquals(-Errno.EINVAL, f.call(HelperIds.FIB_LOOKUP, CTX, p, 63, 0));
    assertEquals(-Errno.EINVAL, f.call(HelperIds.FIB_LOOKUP, CTX, p, 64, 1 << 10));
    assertEquals(1500, FibJson.parse(JsonFiles.parse(FIB, "fib.json")).byIfindex(2).mtu());
  }

  private static long fibParamsOn(Harness f, int ifindex, int totLen, int a, int b, int c, int d) {
    byte[] p = new byte[64];
    p[0] = 2;
    p[6] = (byte) totLen;
    p[7] = (byte) (totLen >> 8);
    System.arraycopy(Harness.le(ifindex, 4), 0, p, 8, 4);
    p[32] = (byte) a;
    p[33] = (byte) b;
    p[34] = (byte) c;
    p[35] = (byte) d;
    return f.stack(p);
  }

  @Test
  void fibFileErrorsNameTheLine() {
    String bad = "{\"interfaces\": [{\"ifindex\": 2,\n \"mac\": \"02:00\"}]}";
    io.xdpemu.ebpf.MalformedInputException e =
        assertThrows(
            io.xdpemu.ebpf.MalformedInputException.class,
            () -> FibJson.parse(JsonFiles.parse(bad, "fib.json")));
    assertTrue(
        e.getMessage().startsWith("malformed fib.json:2:9: not a MAC address"), e.getMessage());
  }

  @Test
  void checkMtuUsesTheNamedDeviceFromTheFib() {
    Harness f = new Harness(1, FibJson.parse(JsonFiles.parse(FIB, "fib.json")));
    f.packet(new byte[1514]);
    long mtu = f.u32(0);
    assertEquals(0, f.call(HelperIds.CHECK_MTU, CTX, 2, mtu, 0, 0));
    assertEquals(1500, f.readLong(mtu, 4));
    assertEquals(
        1, f.call(HelperIds.CHECK_MTU, CTX, 2, f.u32(0), 1, 0), "one byte more needs fragmenting");
  }

  @Test
  void prandomIsSeededPerQueueAndClockHelpersFollowTheVirtualClock() {
    long a = h.call(HelperIds.GET_PRANDOM_U32);
    long b = h.call(HelperIds.GET_PRANDOM_U32);
    assertNotEquals(a, b);
    assertTrue(a >= 0 && a <= 0xffffffffL);
    Harness h2 = new Harness();
    assertEquals(a, h2.call(HelperIds.GET_PRANDOM_U32), "same seed, same sequence");
    h.ctx.clockNs = 5_000_000_123L;
    assertEquals(5_000_000_123L, h.call(HelperIds.KTIME_GET_NS));
    assertEquals(5_000_000_123L, h.call(HelperIds.KTIME_GET_BOOT_NS));
    assertEquals(1250, h.call(HelperIds.JIFFIES64), "HZ=250");
    h.ctx.cpu = 1;
    assertEquals(1, h.call(HelperIds.GET_SMP_PROCESSOR_ID));
  }

  @Test
  void loopWithoutAnEngineCallbackIsATrapAndTooManyIterationsIsE2big() {
    assertEquals(
        -Errno.E2BIG & 0xffffffffL,
        h.call(HelperIds.LOOP, (1 << 23) + 1, 1, 0, 0),
        "zero-extended, as the verifier's inlined bpf_loop leaves it");
    TrapException t = assertThrows(TrapException.class, () -> h.call(HelperIds.LOOP, 3, 1, 0, 0));
    assertTrue(t.getMessage().contains("cannot call back"), t.getMessage());
  }

  @Test
  void fibLookupHandlesIpv6RoutesAndRejectsOtherFamilies() {
    String fib =
        "{\"interfaces\": [{\"ifindex\": 5, \"mac\": \"02:00:00:00:00:05\", \"mtu\": 1280,"
            + " \"addresses\": [\"fd00::1/64\"]}],"
            + " \"routes\": [{\"dst\": \"2001:db8::/32\", \"via\": \"fd00::fe\", \"dev\": 5}],"
            + " \"neighbours\": [{\"ip\": \"fd00::fe\", \"mac\": \"02:00:00:00:00:fe\", \"dev\": 5}]}";
    Harness f = new Harness(1, FibJson.parse(JsonFiles.parse(fib, "fib6.json")));
    f.packet(new byte[14]);
    byte[] p = new byte[64];
    p[0] = 10;
    p[6] = 100;
    p[8] = 5;
    byte[] dst = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    System.arraycopy(dst, 0, p, 32, 16);
    long params = f.stack(p);
    assertEquals(0, f.call(HelperIds.FIB_LOOKUP, CTX, params, 64, 0));
    byte[] out = f.read(params, 64);
    assertEquals((byte) 0xfe, out[47], "the gateway fd00::fe is the new destination");
    assertEquals((byte) 0xfe, out[63], "dmac");
    assertEquals(1280, (out[6] & 0xff) | (out[7] & 0xff) << 8);
    p[0] = 7;
    assertEquals(-97, f.call(HelperIds.FIB_LOOKUP, CTX, f.stack(p), 64, 0), "-EAFNOSUPPORT");
  }
}
