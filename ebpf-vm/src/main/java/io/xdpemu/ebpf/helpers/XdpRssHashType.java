package io.xdpemu.ebpf.helpers;

/**
 * {@code enum xdp_rss_hash_type} (include/net/xdp.h): what bpf_xdp_metadata_rx_hash reports about
 * the headers the RSS hash covered. Bits combine into the XDP_RSS_TYPE_* values.
 */
public final class XdpRssHashType {
  public static final int L3_IPV4 = 1 << 0;
  public static final int L3_IPV6 = 1 << 1;
  public static final int L3_DYNHDR = 1 << 2;
  public static final int L4 = 1 << 3;
  public static final int L4_TCP = 1 << 4;
  public static final int L4_UDP = 1 << 5;
  public static final int L4_SCTP = 1 << 6;
  public static final int L4_IPSEC = 1 << 7;
  public static final int L4_ICMP = 1 << 8;

  public static final int TYPE_NONE = 0;
  public static final int TYPE_L2 = TYPE_NONE;
  public static final int TYPE_L3_IPV4 = L3_IPV4;
  public static final int TYPE_L3_IPV6 = L3_IPV6;
  public static final int TYPE_L3_IPV6_EX = L3_IPV6 | L3_DYNHDR;
  public static final int TYPE_L4_ANY = L4;
  public static final int TYPE_L4_IPV4_TCP = L3_IPV4 | L4 | L4_TCP;
  public static final int TYPE_L4_IPV4_UDP = L3_IPV4 | L4 | L4_UDP;
  public static final int TYPE_L4_IPV4_SCTP = L3_IPV4 | L4 | L4_SCTP;
  public static final int TYPE_L4_IPV4_IPSEC = L3_IPV4 | L4 | L4_IPSEC;
  public static final int TYPE_L4_IPV4_ICMP = L3_IPV4 | L4 | L4_ICMP;
  public static final int TYPE_L4_IPV6_TCP = L3_IPV6 | L4 | L4_TCP;
  public static final int TYPE_L4_IPV6_UDP = L3_IPV6 | L4 | L4_UDP;
  public static final int TYPE_L4_IPV6_SCTP = L3_IPV6 | L4 | L4_SCTP;
  public static final int TYPE_L4_IPV6_IPSEC = L3_IPV6 | L4 | L4_IPSEC;
  public static final int TYPE_L4_IPV6_ICMP = L3_IPV6 | L4 | L4_ICMP;
  public static final int TYPE_L4_IPV6_TCP_EX = TYPE_L4_IPV6_TCP | L3_DYNHDR;
  public static final int TYPE_L4_IPV6_UDP_EX = TYPE_L4_IPV6_UDP | L3_DYNHDR;
  public static final int TYPE_L4_IPV6_SCTP_EX = TYPE_L4_IPV6_SCTP | L3_DYNHDR;

  private XdpRssHashType() {}
}
