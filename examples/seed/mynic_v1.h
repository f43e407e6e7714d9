/* mynic firmware v1 RX metadata layout, as in the 2021 bpf@vger "XDP-hints" thread: the NIC
 * writes struct mynic_metadata right before the packet (data_meta); ptr_to_rx is the kernel
 * address of the RX descriptor. */
#ifndef MYNIC_V1_H
#define MYNIC_V1_H
#include <linux/types.h>

enum mynic_ptype {
	MYNIC_PTYPE_UNKNOWN = 0,
	MYNIC_PTYPE_IPV4_TCP = 1,
	MYNIC_PTYPE_IPV4_UDP = 2,
	MYNIC_PTYPE_IPV6_TCP = 3,
};

struct mynic_rx_descriptor {
	__u64 len;
	__u64 head;
	__u64 tail;
	__u64 foobar;
};

struct mynic_metadata {
	__u64 timestamp;
	__u64 hash;
	__u64 pkt_type;
	struct mynic_rx_descriptor *ptr_to_rx;
};
#endif
