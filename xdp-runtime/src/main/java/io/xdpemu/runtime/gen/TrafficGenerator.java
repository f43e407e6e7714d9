package io.xdpemu.runtime.gen;

import io.xdpemu.pcap.PcapWriter;
import java.util.Locale;
import java.util.Random;

/**
 * Deterministic synthetic traffic: the same (profile, seed, count) always gives the same frames,
 * byte for byte, on every JVM ({@link java.util.Random} is specified). Packets belong to a pool of
 * flows (5-tuples) so RSS spreads them over queues; frames carry valid IPv4 header, TCP, UDP and
 * ICMP checksums and are padded to the 60-byte Ethernet minimum.
 *
 * <p>Profiles: {@code mixed} (IPv4/IPv6 TCP and UDP, 802.1Q and 802.1ad tags, ARP, ICMP/ICMPv6
 * echo, VXLAN, Geneve, GRE, MPLS), {@code ipv4-udp} (plain IPv4/UDP only, the simplest RSS case),
 * {@code tunnels} (VXLAN, Geneve, GRE and MPLS only).
 */
public final class TrafficGenerator {
  /** The kinds of frame, with their weights in the mixed profile. */
  enum Kind {
    IPV4_TCP(24),
    IPV4_UDP(18),
    IPV6_TCP(10),
    IPV6_UDP(10),
    VLAN_IPV4_UDP(6),
    VLAN_IPV6_TCP(3),
    QINQ_IPV4_TCP(2),
    ARP(4),
    ICMP4_ECHO(4),
    ICMP6_ECHO(3),
    VXLAN(5),
    GENEVE(3),
    GRE(4),
    MPLS(4);

    final int weight;

    Kind(int weight) {
      this.weight = weight;
    }
  }

  /** Start of the capture clock: 2026-01-01T00:00:00Z. */
  public static final long EPOCH_NS = 1_767_225_600L * 1_000_000_000L;

  private static final int FLOWS = 256;

  private final Kind[] kinds;
  private final int[] cumulative;
  private final Random rnd;
  private final FrameBuilder fb = new FrameBuilder();
  private final byte[][] v4 = new byte[FLOWS * 2][];
  private final byte[][] v6 = new byte[FLOWS * 2][];
  private final byte[][] macs = new byte[FLOWS][];
  private final int[] ports = new int[FLOWS * 2];
  private final long seed;
  private long clock = EPOCH_NS;
  private long index;

  public TrafficGenerator(String profile, long seed) {
    this.kinds = profile(profile);
    this.cumulative = new int[kinds.length];
    int c = 0;
    for (int i = 0; i < kinds.length; i++) {
      c += kinds[i].weight;
      cumulative[i] = c;
    }
    this.seed = seed;
    this.rnd = new Random(seed);
    for (int f = 0; f < FLOWS; f++) {
      v4[2 * f] =
          new byte[] {
            10, (byte) rnd.nextInt(4), (byte) rnd.nextInt(256), (byte) (1 + rnd.nextInt(254))
          };
      v4[2 * f + 1] =
          new byte[] {
            (byte) 192, (byte) 168, (byte) rnd.nextInt(16), (byte) (1 + rnd.nextInt(254))
          };
      v6[2 * f] = v6addr(0x20010db8_00000000L | rnd.nextInt(4), rnd.nextLong());
      v6[2 * f + 1] = v6addr(0x20010db8_00010000L, rnd.nextLong());
      macs[f] =
          new byte[] {
            0x02,
            0x42,
            (byte) rnd.nextInt(256),
            (byte) rnd.nextInt(256),
            (byte) rnd.nextInt(256),
            (byte) f
          };
      ports[2 * f] = 1024 + rnd.nextInt(64512);
      ports[2 * f + 1] = WELL_KNOWN[rnd.nextInt(WELL_KNOWN.length)];
    }
  }

  private static final int[] WELL_KNOWN = {443, 5201, 8080, 9000, 12345, 50000};
  private static final byte[] ROUTER = {0x02, 0, 0, 0, 0, 0x01};
  private static final byte[] ZERO_MAC = new byte[6];
  private static final byte[] BCAST = {-1, -1, -1, -1, -1, -1};

  public static String[] profiles() {
    return new String[] {"mixed", "ipv4-udp", "tunnels"};
  }

  private static Kind[] profile(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "mixed" -> Kind.values();
      case "ipv4-udp" -> new Kind[] {Kind.IPV4_UDP};
      case "tunnels" -> new Kind[] {Kind.VXLAN, Kind.GENEVE, Kind.GRE, Kind.MPLS};
      default ->
          throw new io.xdpemu.ebpf.UsageException(
              "unknown traffic profile '" + name + "' (mixed, ipv4-udp, tunnels)");
    };
  }

  private static byte[] v6addr(long hi, long lo) {
    byte[] a = new byte[16];
    for (int i = 0; i < 8; i++) {
      a[i] = (byte) (hi >>> (56 - 8 * i));
      a[8 + i] = (byte) (lo >>> (56 - 8 * i));
    }
    return a;
  }

  /** Timestamp of the frame last built. */
  public long timestampNs() {
    return clock;
  }

  /** Builds the next frame into the builder's buffer; returns the builder. */
  public FrameBuilder next() {
    int pick = rnd.nextInt(cumulative[cumulative.length - 1]);
    Kind k = kinds[0];
    for (int i = 0; i < kinds.length; i++) {
      if (pick < cumulative[i]) {
        k = kinds[i];
        break;
      }
    }
    int f = rnd.nextInt(FLOWS);
    boolean reply = rnd.nextInt(4) == 0;
    int payload = payloadSize();
    clock += 500 + rnd.nextInt(1500);
    index++;
    fb.reset();
    build(k, f, reply, payload);
    return fb.padToMinimum();
  }

  private int payloadSize() {
    int r = rnd.nextInt(100);
    if (r < 55) {
      return rnd.nextInt(64);
    }
    if (r < 90) {
      return 64 + rnd.nextInt(448);
    }
    return 512 + rnd.nextInt(900);
  }

  private void build(Kind k, int f, boolean reply, int payload) {
    byte[] a4 = v4[2 * f + (reply ? 1 : 0)];
    byte[] b4 = v4[2 * f + (reply ? 0 : 1)];
    byte[] a6 = v6[2 * f + (reply ? 1 : 0)];
    byte[] b6 = v6[2 * f + (reply ? 0 : 1)];
    int sp = ports[2 * f + (reply ? 1 : 0)];
    int dp = ports[2 * f + (reply ? 0 : 1)];
    byte[] src = reply ? ROUTER : macs[f];
    byte[] dst = reply ? macs[f] : ROUTER;
    int id = (int) (index & 0xffff);
    switch (k) {
      case IPV4_TCP ->
          fb.ethernet(dst, src, 0x0800)
              .ipv4(a4, b4, 6, id, 64)
              .tcp(sp, dp, seq(), seq(), 0x18, 65535)
              .payload(payload, index ^ seed);
      case IPV4_UDP ->
          fb.ethernet(dst, src, 0x0800)
              .ipv4(a4, b4, 17, id, 64)
              .udp(sp, dp)
              .payload(payload, index ^ seed);
      case IPV6_TCP ->
          fb.ethernet(dst, src, 0x86dd)
              .ipv6(a6, b6, 6, f * 4099, 64)
              .tcp(sp, dp, seq(), seq(), 0x10, 512)
              .payload(payload, index ^ seed);
      case IPV6_UDP ->
          fb.ethernet(dst, src, 0x86dd)
              .ipv6(a6, b6, 17, f * 4099, 64)
              .udp(sp, dp)
              .payload(payload, index ^ seed);
      case VLAN_IPV4_UDP ->
          fb.ethernet(dst, src, 0x8100)
              .vlan(0, 100 + (f & 7), 0x0800)
              .ipv4(a4, b4, 17, id, 64)
              .udp(sp, dp)
              .payload(payload, index ^ seed);
      case VLAN_IPV6_TCP ->
          fb.ethernet(dst, src, 0x8100)
              .vlan(3, 200 + (f & 3), 0x86dd)
              .ipv6(a6, b6, 6, f, 64)
              .tcp(sp, dp, seq(), 0, 0x02, 64240);
      case QINQ_IPV4_TCP ->
          fb.ethernet(dst, src, 0x88a8)
              .vlan(0, 300, 0x8100)
              .vlan(0, 1000 + (f & 15), 0x0800)
              .ipv4(a4, b4, 6, id, 64)
              .tcp(sp, dp, seq(), seq(), 0x11, 1024);
      case ARP -> {
        if (reply) {
          fb.ethernet(macs[f], ROUTER, 0x0806).arp(2, ROUTER, b4, macs[f], a4);
        } else {
          fb.ethernet(BCAST, macs[f], 0x0806).arp(1, macs[f], a4, ZERO_MAC, b4);
        }
      }
      case ICMP4_ECHO ->
          fb.ethernet(dst, src, 0x0800)
              .ipv4(a4, b4, 1, id, 64)
              .icmpEcho(false, f, id)
              .payload(payload & 63, index);
      case ICMP6_ECHO ->
          fb.ethernet(dst, src, 0x86dd)
              .ipv6(a6, b6, 58, 0, 64)
              .icmpEcho(true, f, id)
              .payload(payload & 63, index);
      case VXLAN ->
          fb.ethernet(dst, src, 0x0800)
              .ipv4(a4, b4, 17, id, 64)
              .udp(49152 + (f & 1023), 4789)
              .vxlan(100 + (f & 3))
              .ethernet(BCAST, macs[(f + 1) % FLOWS], 0x0800)
              .ipv4(v4[(2 * f + 2) % (2 * FLOWS)], v4[(2 * f + 3) % (2 * FLOWS)], 17, id, 64)
              .udp(sp, dp)
              .payload(payload & 255, index);
      case GENEVE ->
          fb.ethernet(dst, src, 0x0800)
              .ipv4(a4, b4, 17, id, 64)
              .udp(49152 + (f & 1023), 6081)
              .geneve(7 + (f & 3), 0x6558)
              .ethernet(ROUTER, macs[(f + 2) % FLOWS], 0x0800)
              .ipv4(v4[(2 * f + 4) % (2 * FLOWS)], b4, 6, id, 64)
              .tcp(sp, dp, seq(), seq(), 0x10, 4096)
              .payload(payload & 255, index);
      case GRE ->
          fb.ethernet(dst, src, 0x0800)
              .ipv4(a4, b4, 47, id, 64)
              .gre(0x0800)
              .ipv4(v4[(2 * f + 6) % (2 * FLOWS)], v4[(2 * f + 7) % (2 * FLOWS)], 17, id, 63)
              .udp(sp, dp)
              .payload(payload & 255, index);
      case MPLS ->
          fb.ethernet(dst, src, 0x8847)
              .mpls(16 + f, false, 64)
              .mpls(1000, true, 64)
              .ipv4(a4, b4, 17, id, 63)
              .udp(sp, dp)
              .payload(payload & 255, index);
      default -> throw new AssertionError(k);
    }
  }

  private long seq() {
    return rnd.nextInt() & 0xffffffffL;
  }

  /** Writes {@code count} frames. */
  public void write(PcapWriter out, long count) {
    for (long i = 0; i < count; i++) {
      FrameBuilder b = next();
      out.write(clock, b.buffer(), 0, b.length());
    }
  }
}
