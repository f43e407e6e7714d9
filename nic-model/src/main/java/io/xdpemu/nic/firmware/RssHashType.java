package io.xdpemu.nic.firmware;

/**
 * The kernel's {@code enum xdp_rss_hash_type} (include/net/xdp.h): protocol bits and the named
 * combinations drivers report from {@code bpf_xdp_metadata_rx_hash}. Values checked against
 * /sys/kernel/btf/vmlinux of Linux 6.18.
 */
public enum RssHashType {
  TYPE_NONE(0),
  TYPE_L2(0),
  TYPE_L3_IPV4(1),
  TYPE_L3_IPV6(2),
  TYPE_L3_IPV4_OPT(5),
  TYPE_L3_IPV6_EX(6),
  TYPE_L4_ANY(8),
  TYPE_L4_IPV4_TCP(25),
  TYPE_L4_IPV4_UDP(41),
  TYPE_L4_IPV4_SCTP(73),
  TYPE_L4_IPV4_IPSEC(137),
  TYPE_L4_IPV4_ICMP(265),
  TYPE_L4_IPV6_TCP(26),
  TYPE_L4_IPV6_UDP(42),
  TYPE_L4_IPV6_SCTP(74),
  TYPE_L4_IPV6_IPSEC(138),
  TYPE_L4_IPV6_ICMP(266),
  TYPE_L4_IPV6_TCP_EX(30),
  TYPE_L4_IPV6_UDP_EX(46),
  TYPE_L4_IPV6_SCTP_EX(78);

  public static final int L3_IPV4 = 1;
  public static final int L3_IPV6 = 2;
  public static final int L3_DYNHDR = 4;
  public static final int L4 = 8;

  private final int value;

  RssHashType(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  /** Accepts "XDP_RSS_TYPE_L4_IPV4_TCP", "TYPE_L4_IPV4_TCP" or "L4_IPV4_TCP"; null if unknown. */
  public static RssHashType byName(String s) {
    String n = s.startsWith("XDP_RSS_") ? s.substring(8) : s;
    if (!n.startsWith("TYPE_")) {
      n = "TYPE_" + n;
    }
    for (RssHashType t : values()) {
      if (t.name().equals(n)) {
        return t;
      }
    }
    return null;
  }
}
