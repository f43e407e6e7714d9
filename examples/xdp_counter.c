// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_counter: a per-source hash-map counter (the "hash-map counter" of the benchmarks).
 *
 *   key   __u32: the IPv4 source address as on the wire; 0 for non-IPv4 or truncated frames
 *   value struct counter { __u64 packets; __u64 bytes; }  (bytes = data_end - data)
 *
 * The first packet of a key inserts {1, len} (BPF_NOEXIST); later packets add atomically.
 * Expected: retval 2 (XDP_PASS), frame unchanged; the map holds one entry per source seen.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct counter {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct counter);
} counters SEC(".maps");

SEC("xdp")
int xdp_counter(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u64 len = data_end - data;
	struct counter *c;
	__u32 key = 0;

	if ((void *)(eth + 1) <= data_end && eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) <= data_end)
			key = ip->saddr;
	}
	c = bpf_map_lookup_elem(&counters, &key);
	if (c) {
		__sync_fetch_and_add(&c->packets, 1);
		__sync_fetch_and_add(&c->bytes, len);
	} else {
		struct counter init = { .packets = 1, .bytes = len };

		bpf_map_update_elem(&counters, &key, &init, BPF_NOEXIST);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
