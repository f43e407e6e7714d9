// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_lru: a source-NAT flow table in an LRU hash (BPF_MAP_TYPE_LRU_HASH) with incremental
 * checksum updates, the "LRU" program of the benchmarks.
 *
 *   key   struct flow { saddr, daddr, sport, dport } of an IPv4/UDP frame (as on the wire)
 *   value struct nat { __u64 packets; __u16 port; __u16 pad[3]; }
 *
 * A new flow is inserted with a translated source port derived from the flow (40000 + hash % 20000);
 * every frame of a known flow is counted (atomic add), its UDP source port rewritten to the
 * translated one and the UDP checksum (when not zero) updated with bpf_csum_diff over the 4-byte
 * port word. Returns XDP_TX for translated frames, XDP_PASS for the first frame of a flow and for
 * anything that is not IPv4/UDP with a 20-byte header.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct flow {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
};

struct nat {
	__u64 packets;
	__u16 port;
	__u16 pad[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 512);
	__type(key, struct flow);
	__type(value, struct nat);
} flows SEC(".maps");

static __always_inline __u16 csum_fold(__u32 csum)
{
	csum = (csum & 0xffff) + (csum >> 16);
	csum = (csum & 0xffff) + (csum >> 16);
	return (__u16)~csum;
}

SEC("xdp")
int xdp_lru(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	struct flow f = {};
	struct nat *n;

	if ((void *)(udp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->ihl != 5 || ip->protocol != IPPROTO_UDP)
		return XDP_PASS;
	f.saddr = ip->saddr;
	f.daddr = ip->daddr;
	f.sport = udp->source;
	f.dport = udp->dest;
	n = bpf_map_lookup_elem(&flows, &f);
	if (!n) {
		__u32 h = f.saddr ^ f.daddr ^ ((__u32)f.sport << 16 | f.dport);
		struct nat fresh = { .packets = 0, .port = bpf_htons(40000 + h % 20000) };

		bpf_map_update_elem(&flows, &f, &fresh, BPF_ANY);
		return XDP_PASS;
	}
	__sync_fetch_and_add(&n->packets, 1);
	__u32 from = *(__u32 *)&udp->source;
	__u32 to = from;

	((__u16 *)&to)[0] = n->port;
	udp->source = n->port;
	if (udp->check) {
		__s64 diff = bpf_csum_diff(&from, 4, &to, 4, (__u16)~udp->check);

		udp->check = csum_fold((__u32)diff) ?: 0xffff;
	}
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
