// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_drop: a pass/drop filter driven by two rules.
 *
 *   1. a fixed rule: IPv4/UDP to port 9 (discard) is dropped;
 *   2. a map rule:   an IPv4 source address present in the hash map `blocklist`
 *                    (key: __be32 saddr as on the wire, value: __u32, any) is dropped.
 *
 * Everything else, including non-IPv4 and truncated frames, passes. The map is empty after load;
 * tests preload it (xdpemu --map-init, or the kernel oracle's "update" command).
 * Expected: retval 1 (XDP_DROP) or 2 (XDP_PASS); the frame is never modified.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define DISCARD_PORT 9

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u32);
} blocklist SEC(".maps");

SEC("xdp")
int xdp_drop(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct udphdr *udp;

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_PASS;
	if (bpf_map_lookup_elem(&blocklist, &ip->saddr))
		return XDP_DROP;
	if (ip->protocol != IPPROTO_UDP || ip->ihl != 5)
		return XDP_PASS;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		return XDP_PASS;
	return udp->dest == bpf_htons(DISCARD_PORT) ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
