package io.xdpemu.pcap;

/**
 * The link-layer header types xdpemu knows by name (tcpdump.org "LINKTYPE_*" values, as stored in a
 * pcap global header or a pcapng Interface Description Block). Only {@link #replayable} ones can be
 * fed to the NIC: Ethernet as is, the others through a synthesized Ethernet header (see {@link
 * EthernetFramer}).
 */
public final class LinkType {
  private LinkType() {}

  public static final int NULL = 0;
  public static final int EN10MB = 1;
  public static final int RAW = 101;
  public static final int LOOP = 108;
  public static final int LINUX_SLL = 113;
  public static final int IEEE802_11 = 105;
  public static final int IEEE802_11_RADIOTAP = 127;
  public static final int IPV4 = 228;
  public static final int IPV6 = 229;
  public static final int LINUX_SLL2 = 276;

  /** True for the link types the replay accepts. */
  public static boolean replayable(int linkType) {
    return switch (linkType) {
      case EN10MB, RAW, LINUX_SLL, LINUX_SLL2, IPV4, IPV6 -> true;
      default -> false;
    };
  }

  /** The LINKTYPE_ name without prefix, or the number for unknown types. */
  public static String name(int linkType) {
    return switch (linkType) {
      case NULL -> "NULL";
      case EN10MB -> "EN10MB";
      case RAW -> "RAW";
      case LOOP -> "LOOP";
      case LINUX_SLL -> "LINUX_SLL";
      case IEEE802_11 -> "IEEE802_11";
      case IEEE802_11_RADIOTAP -> "IEEE802_11_RADIOTAP";
      case IPV4 -> "IPV4";
      case IPV6 -> "IPV6";
      case LINUX_SLL2 -> "LINUX_SLL2";
      default -> Integer.toString(linkType);
    };
  }

  static final String SUPPORTED = "EN10MB, RAW, LINUX_SLL, LINUX_SLL2, IPV4, IPV6";
}
