/* mynic firmware v2: fields moved and narrowed (hash u32, pkt_type u16), new fields (rss_type,
 * vlan_tci, flow_mark), a union per packet type, new ptype codes and a reordered descriptor. */
#ifndef MYNIC_V2_H
#define MYNIC_V2_H
#include <linux/types.h>

enum mynic_ptype {
	MYNIC_PTYPE_UNKNOWN = 0,
	MYNIC_PTYPE_IPV6_TCP = 0x11,
	MYNIC_PTYPE_IPV4_TCP = 0x21,
	MYNIC_PTYPE_IPV4_UDP = 0x22,
};

struct mynic_rx_descriptor {
	__u32 flags;
	__u32 len;
	__u64 head;
	__u64 tail;
};

struct mynic_metadata {
	__u32 hash;
	__u32 rss_type;
	__u16 pkt_type;
	__u16 vlan_tci;
	__u32 flow_mark;
	__u64 timestamp;
	struct mynic_rx_descriptor *ptr_to_rx;
	union {
		struct {
			__u32 saddr;
			__u32 daddr;
		} ipv4;
		struct {
			__u16 sport;
			__u16 dport;
			__u32 flow_label;
		} ipv6;
	} u;
};
#endif
