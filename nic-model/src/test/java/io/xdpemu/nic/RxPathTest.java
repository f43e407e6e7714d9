package io.xdpemu.nic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.MalformedInputException;
import io.xdpemu.ebpf.vm.AddressSpace;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.KernelMemory;
import io.xdpemu.ebpf.vm.RegionRegistry;
import io.xdpemu.ebpf.vm.XdpBuff;
import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.RssHashType;
import io.xdpemu.nic.parse.ParseResult;
import io.xdpemu.nic.rss.Toeplitz;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RxPathTest {
  static final byte[] TCP =
      Frames.eth(0x0800).ipv4(6, 0x420995bbL, 0xa18e6450L, 20, 0).tcp(2794, 1766).bytes();

  static ExecutionContext context() {
    return new ExecutionContext(new RegionRegistry());
  }

  private static ByteBuffer meta(ExecutionContext ctx) {
    XdpBuff x = ctx.xdp();
    return ByteBuffer.wrap(x.frame, x.meta, x.data - x.meta).slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * The buffer addresses the descriptor reports cycle over {@code NicConfig.frames()} buffers, as
   * they did when each had its own array, while the bytes live in at most two physical buffers.
   */
  @Test
  void bufferAddressesCycleOverTheConfiguredFramesWhileTheBytesReuseTwoBuffers() {
    NicConfig config = NicConfig.defaults().withQueues(1).withFrames(5);
    try (Nic nic = Nic.create(TestFiles.firmware("mynic-v1.json"), config)) {
      ExecutionContext ctx = context();
      RxQueue q = nic.queue(0);
      Set<String> physical = new HashSet<>();
      byte[] d = new byte[32];
      for (int i = 0; i < 12; i++) {
        byte[] frame = i % 2 == 0 ? TCP : java.util.Arrays.copyOf(TCP, TCP.length + i);
        assertTrue(q.receive(frame, 0, frame.length, i, ctx));
        XdpBuff x = ctx.xdp();
        assertArrayEquals(frame, java.util.Arrays.copyOfRange(x.frame, x.data, x.end));
        physical.add(System.identityHashCode(x.frame) + "@" + x.hardStart);
        long desc = meta(ctx).getLong(24);
        assertEquals(q.ringAddress() + 32L * i, desc);
        assertEquals(0, ctx.kernel.read(desc, d, 0, 32));
        ByteBuffer db = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(config.dmaBase() + (i % 5) * (long) config.frameSize(), db.getLong(8));
        assertEquals(frame.length, db.getLong(0));
      }
      assertEquals(2, physical.size(), "frames alternate between two physical buffers");
    }
  }

  @Test
  void v1WritesTheSeedLayoutBeforeThePacket() {
    Firmware fw = TestFiles.firmware("mynic-v1.json");
    try (Nic nic = Nic.create(fw, NicConfig.defaults())) {
      ExecutionContext ctx = context();
      RxQueue q = nic.queue(1);
      assertTrue(q.receive(TCP, 0, TCP.length, 123_456_789L, ctx));
      XdpBuff x = ctx.xdp();
      assertEquals(32, x.metaLength());
      assertEquals(x.hardStart + 256, x.data);
      assertEquals(TCP.length, x.length());
      byte[] copy = java.util.Arrays.copyOfRange(x.frame, x.data, x.end);
      assertArrayEquals(TCP, copy);
      assertEquals(x.meta, ctx.packet().lo()); // the program may read [data_meta, data_end)
      assertEquals(x.end, ctx.packet().hi());
      assertEquals(1, x.rxQueueIndex);
      ByteBuffer m = meta(ctx);
      assertEquals(123_456_789L, m.getLong(0));
      // 66.9.149.187:2794 -> 161.142.100.80:1766, Microsoft's first vector "with TCP".
      assertEquals(0x51ccc178L, m.getLong(8));
      assertEquals(1, m.getLong(16)); // MYNIC_PTYPE_IPV4_TCP in v1
      long desc = m.getLong(24);
      assertEquals(q.ringAddress(), desc); // first frame: slot 0
      // bpf_probe_read_kernel through ptr_to_rx reads the descriptor from the ring.
      byte[] d = new byte[32];
      assertEquals(0, ctx.kernel.read(desc, d, 0, 32));
      ByteBuffer db = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
      assertEquals(TCP.length, db.getLong(0));
      assertEquals(0, db.getLong(16));
      assertEquals(0xf00ba4L, db.getLong(24));
      assertEquals(KernelMemory.EFAULT, ctx.kernel.read(desc + 256 * 32, d, 0, 8));
      q.receive(TCP, 0, TCP.length, 0, ctx);
      assertEquals(q.ringAddress() + 32, meta(ctx).getLong(24)); // next slot
      long[] out = new long[2];
      assertTrue(ctx.rxMetadata.rxHash(out));
      assertEquals(0x51ccc178L, out[0]);
      assertEquals(RssHashType.TYPE_L4_IPV4_TCP.value(), out[1]);
      assertTrue(ctx.rxMetadata.rxTimestamp(out));
      assertFalse(ctx.rxMetadata.rxVlanTag(out)); // v1 does not strip
    }
  }

  @Test
  void v2FillsTheUnionMemberOfThePacketType() {
    Firmware fw = TestFiles.firmware("mynic-v2.json");
    try (Nic nic = Nic.create(fw, NicConfig.defaults())) {
      ExecutionContext ctx = context();
      byte[] dns =
          Frames.eth(0x8100)
              .vlan(0x2064, 0x0800)
              .ipv4(17, 0x0a000001, 0x0a000002, 8, 0)
              .udp(5353, 53, 0)
              .bytes();
      nic.queue(0).receive(dns, 0, dns.length, 7, ctx);
      ByteBuffer m = meta(ctx);
      assertEquals(40, ctx.xdp().metaLength());
      assertEquals(RssHashType.TYPE_L4_IPV4_UDP.value(), m.getInt(4)); // rss_type
      assertEquals(0x22, m.getShort(8)); // pkt_type MYNIC_PTYPE_IPV4_UDP in v2
      assertEquals(0x2064, m.getShort(10)); // vlan_tci
      assertEquals(53, m.getInt(12)); // flow mark
      assertEquals(7, m.getLong(16));
      assertEquals(0x0a000001, m.getInt(32)); // u.ipv4.saddr, host order
      assertEquals(0x0a000002, m.getInt(36));
      long desc = m.getLong(24);
      byte[] d = new byte[24];
      assertEquals(0, ctx.kernel.read(desc, d, 0, 24));
      assertEquals(dns.length, ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).getInt(4));
      byte[] v6 = Frames.eth(0x86dd).hex("6000abcd 0008 11 40").zeros(32).udp(4000, 53, 0).bytes();
      nic.queue(0).receive(v6, 0, v6.length, 8, ctx);
      m = meta(ctx);
      assertEquals(0x12, m.getShort(8));
      assertEquals(4000, m.getShort(32)); // u.ipv6.sport
      assertEquals(53, m.getShort(34));
      assertEquals(0xabcd, m.getInt(36)); // flow label
      byte[] arp = Frames.eth(0x0806).hex("0001 0800 06 04 0002").zeros(20).bytes();
      nic.queue(0).receive(arp, 0, arp.length, 9, ctx);
      m = meta(ctx);
      assertEquals(0x30, m.getShort(8));
      assertEquals(0, m.getLong(32)); // no union member for ARP: zero
    }
  }

  @Test
  void kernelModeLeavesDataMetaAtDataAndAnswersKfuncs() {
    Firmware fw = TestFiles.firmware("mynic-kernel.json");
    try (Nic nic = Nic.create(fw, NicConfig.defaults())) {
      ExecutionContext ctx = context();
      byte[] tagged =
          Frames.eth(0x8100)
              .vlan(0xa005, 0x0800)
              .ipv4(6, 0x420995bbL, 0xa18e6450L, 20, 0)
              .tcp(2794, 1766)
              .bytes();
      RxQueue q = nic.queue(2);
      q.receive(tagged, 0, tagged.length, 99, ctx);
      XdpBuff x = ctx.xdp();
      assertEquals(x.data, x.meta);
      assertEquals(tagged.length - 4, x.length());
      assertEquals(0x08, x.frame[x.data + 12]); // the tag is gone: EtherType IPv4 follows the MACs
      assertEquals(0x00, x.frame[x.data + 13]);
      long[] out = new long[2];
      assertTrue(ctx.rxMetadata.rxVlanTag(out));
      assertEquals(0x8100, out[0]);
      assertEquals(0xa005, out[1]);
      assertTrue(ctx.rxMetadata.rxHash(out));
      assertEquals(0x51ccc178L, out[0]);
      assertEquals(25, out[1]);
      assertTrue(ctx.rxMetadata.rxTimestamp(out));
      assertEquals(99, out[0]);
      ParseResult r = q.lastResult();
      assertEquals(14, r.l3Offset);
      assertEquals(34, r.l4Offset);
      assertEquals(
          ParseResult.CSUM_L3_CHECKED | ParseResult.CSUM_L3_GOOD | ParseResult.CSUM_L4_CHECKED,
          r.checksumStatus); // TCP checksum field left at 0: bad
      q.receive(TCP, 0, TCP.length, 100, ctx);
      assertFalse(ctx.rxMetadata.rxVlanTag(out)); // untagged frame: -ENODATA
    }
  }

  @Test
  void refusesMetadataThatDoesNotFitTheHeadroom() {
    Firmware fw = TestFiles.firmware("mynic-v2.json");
    MalformedInputException e =
        assertThrows(
            MalformedInputException.class,
            () -> Nic.create(fw, NicConfig.defaults().withHeadroom(64)));
    assertTrue(
        e.getMessage()
            .contains(
                "metadata size 40 is too large for the headroom: 64 bytes"
                    + " minus 40 for struct xdp_frame leaves 24"),
        e.getMessage());
    assertTrue(e.getMessage().matches("malformed .*mynic-v2.json:\\d+:\\d+: .*"), e.getMessage());
  }

  @Test
  void refusesImpossibleNicParameters() {
    io.xdpemu.ebpf.UsageException e =
        assertThrows(
            io.xdpemu.ebpf.UsageException.class, () -> NicConfig.defaults().withHeadroom(16));
    assertTrue(
        e.getMessage().contains("NIC headroom 16 out of range: at least 40"), e.getMessage());
    assertThrows(
        io.xdpemu.ebpf.UsageException.class, () -> NicConfig.defaults().withTailroom(3800));
    assertThrows(io.xdpemu.ebpf.UsageException.class, () -> NicConfig.defaults().withFrames(0));
  }

  @Test
  void steersByIndirectionTableAndSpreadsFlows() {
    Firmware fw = TestFiles.firmware("mynic-v1.json");
    try (Nic nic = Nic.create(fw, NicConfig.defaults())) {
      int hash =
          new Toeplitz(fw.rss().key())
              .hash(
                  new byte[] {
                    66,
                    9,
                    (byte) 149,
                    (byte) 187,
                    (byte) 161,
                    (byte) 142,
                    100,
                    80,
                    0x0a,
                    (byte) 0xea,
                    0x06,
                    (byte) 0xe6
                  },
                  0,
                  12);
      assertEquals(
          fw.rss().indirection()[(int) ((hash & 0xffffffffL) % 128)], nic.steer(TCP, TCP.length));
      Set<Integer> queues = new HashSet<>();
      for (int port = 1000; port < 1064; port++) {
        byte[] p =
            Frames.eth(0x0800).ipv4(17, 0x0a000001, 0x0a000002, 8, 0).udp(port, 53, 0).bytes();
        queues.add(nic.steer(p, p.length));
      }
      assertEquals(4, queues.size());
    }
  }

  @Test
  void countsParseOutcomesPerQueue() {
    try (Nic nic = Nic.create(TestFiles.firmware("mynic-v1.json"), NicConfig.defaults())) {
      RxQueue q = nic.queue(0);
      ExecutionContext ctx = context();
      q.receive(TCP, 0, TCP.length, 0, ctx);
      q.receive(TCP, 0, 40, 0, ctx); // cut inside the TCP header
      q.receive(TCP, 0, 40, 0, ctx);
      long[] c = q.parseStatusCounts();
      assertEquals(1, c[io.xdpemu.nic.parse.ParseStatus.OK.ordinal()]);
      assertEquals(2, c[io.xdpemu.nic.parse.ParseStatus.TRUNCATED.ordinal()]);
      assertEquals(40, ctx.xdp().length()); // a truncated frame is still delivered
    }
  }

  @Test
  void dropsFramesLargerThanABuffer() {
    try (Nic nic = Nic.create(TestFiles.firmware("mynic-v1.json"), NicConfig.defaults())) {
      byte[] jumbo = new byte[4000];
      assertFalse(nic.queue(0).receive(jumbo, 0, jumbo.length, 0, context()));
      assertEquals(1, nic.queue(0).dropped());
    }
  }

  @Test
  void receivesWithoutAllocatingInSteadyState() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    try (Nic nic = Nic.create(TestFiles.firmware("mynic-v2.json"), NicConfig.defaults())) {
      ExecutionContext ctx = context();
      RxQueue q = nic.queue(0);
      for (int i = 0; i < 20_000; i++) {
        q.receive(TCP, 0, TCP.length, i, ctx);
        nic.steer(TCP, TCP.length);
      }
      long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
      for (int i = 0; i < 10_000; i++) {
        q.receive(TCP, 0, TCP.length, i, ctx);
        nic.steer(TCP, TCP.length);
      }
      long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
      assertTrue(allocated < 10_000, "allocated " + allocated + " bytes for 10000 frames");
    }
    assertEquals(AddressSpace.PACKET, 3);
  }
}
