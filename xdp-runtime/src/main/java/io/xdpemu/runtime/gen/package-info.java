/**
 * Deterministic synthetic traffic for {@code xdpemu gen-pcap} and the bundled captures in {@code
 * pcaps/}: a header builder that fills lengths and checksums innermost first, and a generator of
 * mixed IPv4/IPv6/VLAN/QinQ/TCP/UDP/ARP/ICMP/tunnel frames from a seed.
 */
package io.xdpemu.runtime.gen;
