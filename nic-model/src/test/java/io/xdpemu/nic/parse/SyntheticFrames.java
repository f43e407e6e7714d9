package io.xdpemu.nic.parse;

import io.xdpemu.nic.Frames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Frames for stacks the shared captures do not cover (see TsharkAgreementTest). */
final class SyntheticFrames {
  private SyntheticFrames() {}

  /**
   * {@link #all()}, the frames of pcaps/tunnels-200.pcap and every {@code mixedStep}-th frame of
   * pcaps/mixed-1k.pcap: every header stack the NIC tests exercise.
   */
  static List<byte[]> withCaptures(int mixedStep) throws java.io.IOException {
    List<byte[]> frames = new ArrayList<>(all());
    for (TestPcap.Frame f :
        TestPcap.read(io.xdpemu.nic.TestFiles.root().resolve("pcaps/tunnels-200.pcap"))) {
      frames.add(f.data());
    }
    List<TestPcap.Frame> mixed =
        TestPcap.read(io.xdpemu.nic.TestFiles.root().resolve("pcaps/mixed-1k.pcap"));
    for (int i = 0; i < mixed.size(); i += mixedStep) {
      frames.add(mixed.get(i).data());
    }
    return frames;
  }

  static List<byte[]> all() {
    List<byte[]> f = new ArrayList<>();
    // IPv6: hop-by-hop, routing (type 0, 24 bytes), destination options, fragment (atomic), UDP.
    f.add(
        Frames.eth(0x86dd)
            .hex("60000000 0040 00 40")
            .hex("20010db8000000000000000000000001")
            .hex("20010db8000000000000000000000002")
            .hex("2b00 0104 00000000")
            .hex("3c02 0001 00000000")
            .hex("20010db8000000000000000000000003")
            .hex("2c00 0104 00000000")
            .hex("1100 0000 00000001")
            .hex("1234 0035 0010 0000")
            .zeros(8)
            .bytes());
    // IPv6 non-first fragment: no L4 header.
    f.add(
        Frames.eth(0x86dd)
            .hex("60000000 0018 2c 40")
            .hex("20010db8000000000000000000000001")
            .hex("20010db8000000000000000000000002")
            .hex("1100 0010 00000001")
            .zeros(16)
            .bytes());
    // MPLS over Ethernet, two labels, IPv4/UDP inside.
    f.add(
        Frames.eth(0x8847)
            .hex("00010040 00020140")
            .ipv4(17, 0x0a000001, 0x0a000002, 16, 0)
            .udp(1000, 2000, 8)
            .zeros(8)
            .bytes());
    // GRE with key carrying Ethernet (transparent Ethernet bridging), then ARP.
    f.add(
        Frames.eth(0x0800)
            .ipv4(47, 0x0a000001, 0x0a000002, 8 + 14 + 28, 0)
            .hex("2000 6558 0000002a")
            .hex("020000000002 020000000001 0806")
            .hex("0001 0800 06 04 0001 020000000001 0a000001 000000000000 0a000002")
            .bytes());
    // QinQ with IPv6/TCP.
    f.add(
        Frames.eth(0x88a8)
            .vlan(100, 0x8100)
            .vlan(200, 0x86dd)
            .hex("60000000 0014 06 40")
            .hex("20010db8000000000000000000000001")
            .hex("20010db8000000000000000000000002")
            .tcp(1234, 80)
            .bytes());
    // IPv4 with options, TCP.
    f.add(Frames.eth(0x0800).ipv4(6, 0x0a000001, 0x0a000002, 20, 2).tcp(5555, 443).bytes());
    // Geneve (no options) carrying Ethernet / IPv4 / ICMP.
    f.add(
        Frames.eth(0x0800)
            .ipv4(17, 0x0a000001, 0x0a000002, 8 + 8 + 14 + 20 + 8, 0)
            .udp(40000, 6081, 8 + 14 + 20 + 8)
            .hex("0000 6558 00000100")
            .hex("020000000004 020000000003 0800")
            .ipv4(1, 0xc0a80001L, 0xc0a80002L, 8, 0)
            .hex("0800f7ff00000000")
            .bytes());
    // VXLAN carrying VLAN-tagged Ethernet / IPv6 / ICMPv6.
    f.add(
        Frames.eth(0x0800)
            .ipv4(17, 0x0a000001, 0x0a000002, 8 + 8 + 18 + 40 + 8, 0)
            .udp(40000, 4789, 8 + 18 + 40 + 8)
            .hex("08000000 00006400")
            .hex("020000000004 020000000003 8100")
            .vlan(7, 0x86dd)
            .hex("60000000 0008 3a 40")
            .hex("fe800000000000000000000000000001")
            .hex("ff020000000000000000000000000001")
            .hex("8000 0000 0000 0000")
            .bytes());
    // IPv4 non-first fragment.
    byte[] frag = Frames.eth(0x0800).ipv4(17, 0x0a000001, 0x0a000002, 16, 0).zeros(16).bytes();
    frag[20] = 0x00;
    frag[21] = 0x20;
    f.add(frag);
    // Truncated TCP header.
    byte[] tcp = Frames.eth(0x0800).ipv4(6, 0x0a000001, 0x0a000002, 20, 0).tcp(1, 2).bytes();
    f.add(Arrays.copyOf(tcp, 44));
    return f;
  }
}
