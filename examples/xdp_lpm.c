// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_lpm: a longest-prefix-match route table (BPF_MAP_TYPE_LPM_TRIE) consulted for every IPv4
 * frame, the "LPM" program of the benchmarks.
 *
 *   key   struct { __u32 prefixlen; __u32 addr; }  (addr as on the wire)
 *   value struct route { __u64 packets; __u32 action; __u32 pad; }
 *
 * The destination is looked up as a /32. On a hit the route counts the packet (atomic add) and its
 * action is returned; on a miss the program learns a /24 route for the destination (action
 * XDP_PASS, or XDP_DROP for 10.0.0.0/8) so that the next frame hits, and passes. Non-IPv4 or
 * truncated frames pass untouched.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct lpm_key {
	__u32 prefixlen;
	__u32 addr;
};

struct route {
	__u64 packets;
	__u32 action;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_key);
	__type(value, struct route);
} routes SEC(".maps");

SEC("xdp")
int xdp_lpm(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct lpm_key key = { .prefixlen = 32 };
	struct route *r;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	key.addr = ip->daddr;
	r = bpf_map_lookup_elem(&routes, &key);
	if (r) {
		__sync_fetch_and_add(&r->packets, 1);
		return r->action;
	}
	struct route learned = {
		.packets = 0,
		.action = (bpf_ntohl(ip->daddr) >> 24) == 10 ? XDP_DROP : XDP_PASS,
	};
	key.prefixlen = 24;
	key.addr = ip->daddr & bpf_htonl(0xffffff00);
	bpf_map_update_elem(&routes, &key, &learned, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
