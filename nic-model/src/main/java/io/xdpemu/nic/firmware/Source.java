package io.xdpemu.nic.firmware;

/**
 * What a metadata or descriptor field is bound to: one output of the NIC's parser, RSS unit or RX
 * logic. Values that are absent for a frame (no L4 header, no VLAN tag) are written as all ones in
 * the field's width, except {@link #VLAN_TCI}/{@link #VLAN_PROTO}, written as 0.
 */
public enum Source {
  /** RX timestamp in ns (the capture's timestamp in a replay). */
  TIMESTAMP,
  RSS_HASH,
  /** {@code enum xdp_rss_hash_type} of the hash. */
  RSS_HASH_TYPE,
  /** The packet type from the firmware's ptype rules. */
  PTYPE,
  /** TCI of the outermost VLAN tag (the stripped one when stripping is on). */
  VLAN_TCI,
  /** TPID of that tag (0x8100, 0x88a8), host order. */
  VLAN_PROTO,
  L2_OFFSET,
  L3_OFFSET,
  L4_OFFSET,
  INNER_L3_OFFSET,
  INNER_L4_OFFSET,
  /** Source port of the outer TCP/UDP/SCTP header, 0 for other L4 protocols. */
  L4_SPORT,
  /** Destination port of the outer TCP/UDP/SCTP header, 0 otherwise. */
  L4_DPORT,
  /** Offset of the first byte after the last extracted header. */
  PAYLOAD_OFFSET,
  /** Bits: 1 L3 checked, 2 L3 good, 4 L4 checked, 8 L4 good (see FIRMWARE.md). */
  CHECKSUM_STATUS,
  /** The mark of the first matching flow-mark rule, 0 when none matches. */
  FLOW_MARK,
  /** Kernel address of this frame's RX descriptor (a pointer field). */
  RX_DESCRIPTOR,
  /** Simulated DMA address of the frame buffer start. */
  BUFFER_ADDRESS,
  /** Address of the first packet byte (buffer address + headroom). */
  DATA_ADDRESS,
  PACKET_LENGTH,
  HEADROOM,
  QUEUE,
  /** {@link io.xdpemu.nic.parse.ParseStatus} ordinal; 0 = parsed without error. */
  PARSE_STATUS,
  HEADER_COUNT,
  /** Index of the frame's slot in the descriptor ring. */
  RING_INDEX,
  /** A constant ({@code "const:N"}). */
  CONST,
  /** A header field ({@code "field:ipv4.ttl"}), outermost instance, 0 when absent. */
  FIELD,
  /** Written as zero (reserved space). */
  ZERO
}
