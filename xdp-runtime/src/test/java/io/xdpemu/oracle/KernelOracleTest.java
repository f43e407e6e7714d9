package io.xdpemu.oracle;

import static io.xdpemu.oracle.Frames.IPPROTO_UDP;
import static io.xdpemu.oracle.Frames.ip;
import static io.xdpemu.oracle.KernelAssumptions.assumeKernelOracle;
import static io.xdpemu.oracle.KernelAssumptions.example;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.UsageException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kernel oracle on its own: what it reports must be what the kernel does, checked against
 * expectations computed here independently (checksums, swapped fields, counters) and pinning the
 * kernel facts of {@link KernelFacts}. Skips without root/bpf()/gcc/libbpf unless
 * XDPEMU_REQUIRE_KERNEL=1.
 */
class KernelOracleTest {
  private static final int XDP_DROP = 1;
  private static final int XDP_PASS = 2;
  private static final int XDP_TX = 3;
  private static final byte[] NO_META = new byte[0];

  private static final int HOST_A = ip(10, 0, 0, 1);
  private static final int HOST_B = ip(192, 168, 1, 2);

  @BeforeEach
  void needsKernel() {
    assumeKernelOracle();
  }

  @Test
  void passProgramReturnsTheFrameAndTheMetadataUnchanged() {
    byte[] frame = Frames.udpFrame(HOST_A, HOST_B, 1234, 53, Frames.ascii("query"));
    byte[] meta = Frames.mark(0x11223344, 0x55667788);
    try (KernelOracle k = KernelOracle.open(example("xdp_pass.o"), "xdp_pass", null)) {
      OracleResult plain = k.run(NO_META, frame, 1);
      assertEquals(XDP_PASS, plain.retval());
      assertArrayEquals(frame, plain.dataOut());
      assertEquals(0, plain.metaOut().length);

      OracleResult withMeta = k.run(meta, frame, 1);
      assertEquals(XDP_PASS, withMeta.retval());
      assertArrayEquals(frame, withMeta.dataOut());
      assertArrayEquals(meta, withMeta.metaOut());
      assertTrue(withMeta.durationNs() > 0, "duration " + withMeta.durationNs());
    }
  }

  @Test
  void bounceSwapsAddressesAndPortsAndLeavesValidChecksums() {
    byte[] frame = Frames.udpFrame(HOST_A, HOST_B, 1234, 7, Frames.ascii("echo me"));
    try (KernelOracle k = KernelOracle.open(example("xdp_bounce.o"), "xdp_bounce", null)) {
      OracleResult r = k.run(NO_META, frame, 1);
      assertEquals(XDP_TX, r.retval());
      byte[] out = r.dataOut();
      ByteBuffer b = ByteBuffer.wrap(out);
      assertArrayEquals(Frames.MAC_A, Arrays.copyOfRange(out, 0, 6), "dst mac");
      assertArrayEquals(Frames.MAC_B, Arrays.copyOfRange(out, 6, 12), "src mac");
      assertEquals(64, out[22] & 0xff, "ttl");
      assertEquals(HOST_B, b.getInt(26), "saddr");
      assertEquals(HOST_A, b.getInt(30), "daddr");
      assertEquals(7, b.getShort(34) & 0xffff, "sport");
      assertEquals(1234, b.getShort(36) & 0xffff, "dport");
      assertEquals(0, Frames.checksum(out, 14, 20, 0), "IPv4 header checksum must verify");
      long pseudo = Frames.pseudoHeaderSum(HOST_B, HOST_A, IPPROTO_UDP, out.length - 34);
      assertEquals(0, Frames.checksum(out, 34, out.length - 34, pseudo), "UDP checksum");
    }
  }

  @Test
  void bounceTurnsAnEchoRequestIntoAReplyWithAValidIcmpChecksum() {
    byte[] frame = Frames.icmpFrame(HOST_A, HOST_B, 8);
    try (KernelOracle k = KernelOracle.open(example("xdp_bounce.o"), "xdp_bounce", null)) {
      OracleResult r = k.run(NO_META, frame, 1);
      assertEquals(XDP_TX, r.retval());
      byte[] out = r.dataOut();
      assertEquals(0, out[34], "echo reply type");
      assertEquals(0, Frames.checksum(out, 34, out.length - 34, 0), "ICMP checksum");
      assertEquals(0, Frames.checksum(out, 14, 20, 0), "IPv4 header checksum");
      assertEquals(XDP_PASS, k.run(NO_META, Frames.icmpFrame(HOST_A, HOST_B, 0), 1).retval());
    }
  }

  @Test
  void repeatRunsTheProgramAgainOnTheSameBufferWithoutRestoringIt() {
    // bpf_test_run() loops over one xdp_buff: a bounce run twice swaps everything back.
    byte[] frame = Frames.tcpFrame(HOST_A, HOST_B, 40000, 80);
    frame[22] = 64; // TTL already 64, so the second bounce restores the original bytes exactly
    fixIpChecksum(frame, 14);
    try (KernelOracle k = KernelOracle.open(example("xdp_bounce.o"), "xdp_bounce", null)) {
      OracleResult once = k.run(NO_META, frame, 1);
      assertTrue(!Arrays.equals(frame, once.dataOut()), "one bounce changes the frame");
      OracleResult twice = k.run(NO_META, frame, 2);
      assertEquals(XDP_TX, twice.retval());
      assertArrayEquals(frame, twice.dataOut());
    }
  }

  @Test
  void dropProgramHonoursTheFixedRuleAndAPreloadedBlocklist() {
    byte[] discard = Frames.udpFrame(HOST_A, HOST_B, 1000, 9, Frames.ascii("x"));
    byte[] dns = Frames.udpFrame(HOST_A, HOST_B, 1000, 53, Frames.ascii("x"));
    try (KernelOracle k = KernelOracle.open(example("xdp_drop.o"), "xdp_drop", null)) {
      assertEquals(XDP_DROP, k.run(NO_META, discard, 1).retval());
      assertEquals(XDP_PASS, k.run(NO_META, dns, 1).retval());
      k.update("blocklist", ByteBuffer.allocate(4).putInt(HOST_A).array(), new byte[4]);
      assertEquals(XDP_DROP, k.run(NO_META, dns, 1).retval());
      MapContents blocklist = k.maps().get("blocklist");
      assertEquals("hash", blocklist.type());
      assertEquals(1, blocklist.entries().size());
      assertEquals("0a000001", blocklist.entries().get(0).keyHex());
      KernelOracleException e =
          assertThrows(
              KernelOracleException.class, () -> k.update("blocklist", new byte[3], new byte[4]));
      assertTrue(e.getMessage().contains("key_size is 4"), e.getMessage());
      assertThrows(
          KernelOracleException.class, () -> k.update("nosuchmap", new byte[4], new byte[4]));
    }
  }

  @Test
  void counterKeepsMapStateAcrossPacketsAndRepeats() {
    byte[] fromA = Frames.udpFrame(HOST_A, HOST_B, 1, 2, new byte[10]);
    byte[] fromB = Frames.udpFrame(HOST_B, HOST_A, 1, 2, new byte[100]);
    byte[] arp = Frames.ethernet(Frames.ETH_P_ARP, new byte[28]);
    try (KernelOracle k = KernelOracle.open(example("xdp_counter.o"), "xdp_counter", null)) {
      assertEquals(XDP_PASS, k.run(NO_META, fromA, 1).retval());
      assertEquals(XDP_PASS, k.run(NO_META, fromA, 5).retval());
      assertEquals(XDP_PASS, k.run(NO_META, fromB, 1).retval());
      assertEquals(XDP_PASS, k.run(Frames.mark(1), arp, 1).retval());
      Map<String, MapContents> maps = k.maps();
      assertEquals(1, maps.size());
      MapContents counters = maps.get("counters");
      assertEquals(4, counters.keySize());
      assertEquals(16, counters.valueSize());
      assertEquals(4096, counters.maxEntries());
      assertTrue(!counters.perCpu());
      Map<Integer, long[]> byKey = new java.util.HashMap<>();
      for (MapContents.Entry e : counters.entries()) {
        ByteBuffer v = ByteBuffer.wrap(e.value()).order(ByteOrder.LITTLE_ENDIAN);
        byKey.put(ByteBuffer.wrap(e.key()).getInt(), new long[] {v.getLong(), v.getLong()});
      }
      assertEquals(3, byKey.size());
      assertArrayEquals(new long[] {6, 6L * fromA.length}, byKey.get(HOST_A));
      assertArrayEquals(new long[] {1, fromB.length}, byKey.get(HOST_B));
      assertArrayEquals(new long[] {1, arp.length}, byKey.get(0));
    }
  }

  @Test
  void metaProgramReadsTheMarkFromDataMeta() {
    byte[] frame = Frames.udpFrame(HOST_A, HOST_B, 1, 2, Frames.ascii("payload"));
    try (KernelOracle k = KernelOracle.open(example("xdp_meta.o"), "xdp_meta", null)) {
      assertEquals(XDP_PASS, k.run(NO_META, frame, 1).retval());
      assertEquals(XDP_DROP, k.run(Frames.mark(0x80000000), frame, 1).retval());
      OracleResult tx = k.run(Frames.mark(0x4000002e), frame, 1);
      assertEquals(XDP_TX, tx.retval());
      byte[] out = tx.dataOut();
      assertEquals(0x2e << 2, out[15] & 0xff, "DSCP 46 (EF) in the TOS byte");
      assertEquals(0, Frames.checksum(out, 14, 20, 0), "IPv4 header checksum");
      assertArrayEquals(Frames.mark(0x4000002e), tx.metaOut());
    }
  }

  @Test
  void kernelAcceptsMetadataInMultiplesOfFourUpTo216Bytes() {
    byte[] frame = Frames.udpFrame(HOST_A, HOST_B, 1, 2, new byte[0]);
    try (KernelOracle k = KernelOracle.open(example("xdp_pass.o"), "xdp_pass", null)) {
      for (int len = 0; len <= KernelFacts.META_MAX + 8; len++) {
        byte[] meta = Frames.random(len, len);
        if (KernelFacts.metadataProblem(len) == null) {
          assertArrayEquals(meta, k.run(meta, frame, 1).metaOut(), "meta length " + len);
        } else {
          int n = len;
          KernelOracleException e =
              assertThrows(KernelOracleException.class, () -> k.run(meta, frame, 1), "len " + n);
          assertTrue(e.getMessage().contains("errno=22"), e.getMessage());
        }
      }
      assertNull(KernelFacts.metadataProblem(216));
      assertTrue(KernelFacts.metadataProblem(220) != null);
    }
  }

  @Test
  void kernelRefusesFramesShorterThanAnEthernetHeader() {
    try (KernelOracle k = KernelOracle.open(example("xdp_pass.o"), "xdp_pass", null)) {
      for (int len = 0; len < KernelFacts.FRAME_MIN; len++) {
        byte[] frame = new byte[len];
        KernelOracleException e =
            assertThrows(KernelOracleException.class, () -> k.run(NO_META, frame, 1));
        assertTrue(e.getMessage().contains("shorter than 14"), e.getMessage());
      }
      assertEquals(XDP_PASS, k.run(NO_META, new byte[KernelFacts.FRAME_MIN], 1).retval());
    }
  }

  @Test
  void programSeesAtMost3520LinearBytesOfALongFrame() {
    try (KernelOracle k = KernelOracle.open(example("xdp_counter.o"), "xdp_counter", null)) {
      byte[] frame = Frames.random(7, KernelFacts.LINEAR_FRAME_MAX + 500);
      OracleResult r = k.run(Frames.mark(1, 2), frame, 1);
      assertArrayEquals(frame, r.dataOut(), "data_out returns the fragment too");
      byte[] value = k.maps().get("counters").entries().get(0).value();
      long bytes = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong(8);
      assertEquals(KernelFacts.LINEAR_FRAME_MAX, bytes, "data_end - data");
    }
  }

  @Test
  void unknownProgramNameIsAUsageError() {
    UsageException e =
        assertThrows(
            UsageException.class, () -> KernelOracle.open(example("xdp_pass.o"), "nope", null));
    assertTrue(e.getMessage().contains("no program named 'nope'"), e.getMessage());
  }

  @Test
  void closedOracleRefusesFurtherCommands() {
    KernelOracle k = KernelOracle.open(example("xdp_pass.o"), "xdp_pass", null);
    k.close();
    k.close();
    assertThrows(KernelOracleException.class, k::maps);
  }

  @Test
  void deadOracleProcessIsReportedWithItsExitStatus() {
    try (KernelOracle k = KernelOracle.open(example("xdp_pass.o"), "xdp_pass", null)) {
      ProcessHandle handle = ProcessHandle.of(k.pid()).orElseThrow();
      handle.destroyForcibly();
      handle.onExit().join();
      KernelOracleException e =
          assertThrows(KernelOracleException.class, () -> k.run(NO_META, new byte[14], 1));
      assertTrue(e.getMessage().contains("stopped answering during 'run'"), e.getMessage());
    }
  }

  private static void fixIpChecksum(byte[] frame, int ipOffset) {
    frame[ipOffset + 10] = 0;
    frame[ipOffset + 11] = 0;
    int csum = Frames.checksum(frame, ipOffset, 20, 0);
    frame[ipOffset + 10] = (byte) (csum >> 8);
    frame[ipOffset + 11] = (byte) csum;
  }
}
