package io.xdpemu.nic.firmware;

import java.util.Locale;

/**
 * The protocols the NIC's fixed-function logic understands, the way an Intel DDP package's protocol
 * ids tell the hardware which extracted header is "the IPv4 header": they decide L3/L4 offsets,
 * checksum validation, VLAN stripping and RSS hash types. A header type in a firmware file names
 * its protocol (default: its own name when that is one of these); anything else is {@link #OTHER},
 * parsed and reported but given no special meaning.
 */
public enum Protocol {
  ETH(Layer.L2),
  VLAN(Layer.L2),
  MPLS(Layer.L2),
  ARP(Layer.L3),
  IPV4(Layer.L3),
  IPV6(Layer.L3),
  IPV6_EXT(Layer.L3_EXT),
  IPV6_FRAG(Layer.L3_EXT),
  TCP(Layer.L4),
  UDP(Layer.L4),
  SCTP(Layer.L4),
  ICMP(Layer.L4),
  ICMPV6(Layer.L4),
  GRE(Layer.TUNNEL),
  VXLAN(Layer.TUNNEL),
  GENEVE(Layer.TUNNEL),
  ERSPAN(Layer.TUNNEL),
  OTHER(Layer.OTHER);

  /** Where a protocol sits in the stack; decides which offset output it feeds. */
  public enum Layer {
    L2,
    L3,
    L3_EXT,
    L4,
    TUNNEL,
    OTHER
  }

  private final Layer layer;

  Protocol(Layer layer) {
    this.layer = layer;
  }

  public Layer layer() {
    return layer;
  }

  /** The spelling used in firmware files: lower case ("ipv6_ext"). */
  public String fileName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The protocol spelled {@code s} in a firmware file, or null. */
  public static Protocol byFileName(String s) {
    for (Protocol p : values()) {
      if (p.fileName().equals(s)) {
        return p;
      }
    }
    return null;
  }
}
