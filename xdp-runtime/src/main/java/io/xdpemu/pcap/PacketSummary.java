package io.xdpemu.pcap;

import java.net.InetAddress;
import org.pcap4j.packet.ArpPacket;
import org.pcap4j.packet.Dot1qVlanTagPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV6CommonPacket;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.UdpPacket;

/**
 * One-line, tcpdump-like descriptions of Ethernet frames for traces and reports ({@code "IPv4
 * 10.0.0.1.1234 > 10.0.0.2.53: UDP, length 40"}), decoded with pcap4j's pure-Java dissectors (no
 * native libpcap involved). Not on the per-packet hot path: it allocates freely.
 */
public final class PacketSummary {
  private PacketSummary() {}

  public static String of(byte[] frame, int off, int len) {
    if (len < EthernetFramer.ETH_HLEN) {
      return "runt frame, " + len + " bytes";
    }
    EthernetPacket eth;
    try {
      eth = EthernetPacket.newPacket(frame, off, len);
    } catch (IllegalRawDataException | RuntimeException e) {
      return "undecodable frame, " + len + " bytes";
    }
    StringBuilder s = new StringBuilder();
    Dot1qVlanTagPacket vlan = eth.get(Dot1qVlanTagPacket.class);
    if (vlan != null) {
      s.append("vlan ").append(vlan.getHeader().getVidAsInt()).append(", ");
    }
    IpV4Packet v4 = eth.get(IpV4Packet.class);
    IpV6Packet v6 = eth.get(IpV6Packet.class);
    ArpPacket arp = eth.get(ArpPacket.class);
    if (v4 != null) {
      s.append("IPv4 ");
      l4(s, v4.getPayload(), v4.getHeader().getSrcAddr(), v4.getHeader().getDstAddr());
    } else if (v6 != null) {
      s.append("IPv6 ");
      l4(s, v6.getPayload(), v6.getHeader().getSrcAddr(), v6.getHeader().getDstAddr());
    } else if (arp != null) {
      ArpPacket.ArpHeader h = arp.getHeader();
      s.append("ARP ")
          .append(h.getOperation().name())
          .append(' ')
          .append(addr(h.getSrcProtocolAddr()))
          .append(" > ")
          .append(addr(h.getDstProtocolAddr()));
    } else {
      s.append(String.format("ethertype 0x%04x", eth.getHeader().getType().value() & 0xffff));
    }
    return s.append(", ").append(len).append(" bytes").toString();
  }

  private static void l4(StringBuilder s, Packet payload, InetAddress src, InetAddress dst) {
    TcpPacket tcp = payload == null ? null : payload.get(TcpPacket.class);
    UdpPacket udp = payload == null ? null : payload.get(UdpPacket.class);
    if (tcp != null) {
      TcpPacket.TcpHeader h = tcp.getHeader();
      s.append(addr(src)).append('.').append(h.getSrcPort().valueAsInt()).append(" > ");
      s.append(addr(dst)).append('.').append(h.getDstPort().valueAsInt()).append(": TCP [");
      s.append(h.getSyn() ? "S" : "").append(h.getFin() ? "F" : "").append(h.getRst() ? "R" : "");
      s.append(h.getPsh() ? "P" : "").append(h.getAck() ? "." : "").append(']');
    } else if (udp != null) {
      UdpPacket.UdpHeader h = udp.getHeader();
      s.append(addr(src)).append('.').append(h.getSrcPort().valueAsInt()).append(" > ");
      s.append(addr(dst)).append('.').append(h.getDstPort().valueAsInt()).append(": UDP");
    } else {
      s.append(addr(src)).append(" > ").append(addr(dst));
      if (payload != null && payload.get(IcmpV4CommonPacket.class) != null) {
        s.append(": ICMP");
      } else if (payload != null && payload.get(IcmpV6CommonPacket.class) != null) {
        s.append(": ICMP6");
      }
    }
  }

  private static String addr(InetAddress a) {
    return a == null ? "?" : a.getHostAddress();
  }
}
