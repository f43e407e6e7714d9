// SPDX-License-Identifier: GPL-2.0
/* The seed program: one XDP object that reads the NIC's RX metadata from data_meta with CO-RE and
 * keeps working across NIC layouts (mynic_v1.h, mynic_v2.h). Only this local view is compiled in;
 * field offsets, sizes, existence and enum values are relocated against the NIC's BTF at load. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* What the program needs, in any order: CO-RE matches fields by name. */
struct mynic_rx_descriptor {
	__u64 len;
	__u64 head;
} __attribute__((preserve_access_index));

struct mynic_metadata {
	__u64 pkt_type;
	__u64 hash;
	__u64 timestamp;
	struct mynic_rx_descriptor *ptr_to_rx;
	__u32 flow_mark; /* only firmware v2 has it */
	union {
		struct {
			__u32 saddr;
		} ipv4;
	} u; /* only firmware v2 has it */
} __attribute__((preserve_access_index));

enum mynic_ptype {
	MYNIC_PTYPE_IPV4_TCP = 1,
};

struct seed_result {
	__u64 timestamp;
	__u64 hash;
	__u64 pkt_type;
	__u64 rx_len;
	__u64 rx_head;
	__u64 flow_mark;
	__u64 ipv4_saddr;
	__u64 meta_size;
	__u64 hash_size;
	__u64 has_flow_mark;
	__u64 ipv4_tcp_code;
	__s64 probe_ret;
};

struct seed_result result;

SEC("xdp")
int xdp_mynic(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *meta = (void *)(long)ctx->data_meta;
	struct mynic_metadata *m = meta;
	struct mynic_rx_descriptor *rx;
	__u64 len = 0;

	/* the metadata size of the NIC we run on, not of our local view */
	result.meta_size = bpf_core_type_size(struct mynic_metadata);
	if (meta + bpf_core_type_size(struct mynic_metadata) > data)
		return XDP_PASS;

	result.timestamp = m->timestamp;
	result.hash = m->hash;           /* u64 on v1, u32 on v2: load width fixed up */
	result.pkt_type = m->pkt_type;   /* u64 on v1, u16 on v2 */
	result.hash_size = bpf_core_field_size(m->hash);
	result.ipv4_tcp_code = bpf_core_enum_value(enum mynic_ptype, MYNIC_PTYPE_IPV4_TCP);

	result.has_flow_mark = bpf_core_field_exists(m->flow_mark);
	if (bpf_core_field_exists(m->flow_mark))
		result.flow_mark = m->flow_mark;
	if (bpf_core_field_exists(m->u.ipv4.saddr) &&
	    m->pkt_type == bpf_core_enum_value(enum mynic_ptype, MYNIC_PTYPE_IPV4_TCP))
		result.ipv4_saddr = m->u.ipv4.saddr;

	/* follow the descriptor pointer into kernel memory */
	rx = m->ptr_to_rx;
	result.probe_ret = bpf_probe_read_kernel(&len, bpf_core_field_size(rx->len), &rx->len);
	result.rx_len = len;
	result.rx_head = BPF_CORE_READ(rx, head);
	return XDP_PASS;
}

/* The same read without the existence guard: fails to load on a NIC without flow_mark. */
SEC("xdp")
int xdp_mynic_unguarded(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *meta = (void *)(long)ctx->data_meta;
	struct mynic_metadata *m = meta;

	if (meta + bpf_core_type_size(struct mynic_metadata) > data)
		return XDP_PASS;
	result.flow_mark = m->flow_mark;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
