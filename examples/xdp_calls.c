// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_calls: BPF-to-BPF calls and a bounded loop. A VLAN policy:
 *
 *   skip_vlans()  static __noinline subprogram (verified in the caller's context) with a real,
 *                 not unrolled, loop over at most MAX_VLAN 802.1Q/802.1ad tags; returns the tag
 *                 count and the inner EtherType and L3 offset through pointers to the stack;
 *   ttl_verdict() global __noinline function (verified once, against its BTF prototype).
 *
 *   truncated tag or more than MAX_VLAN tags  -> XDP_DROP
 *   more than 2 tags                          -> XDP_DROP (deeper than QinQ)
 *   exactly 1 tag                             -> the tag is popped: MACs moved 4 bytes forward,
 *                                                bpf_xdp_adjust_head(ctx, 4); XDP_PASS
 *   inner IPv4 with TTL <= 1                  -> XDP_DROP (ttl_verdict)
 *   anything else                             -> XDP_PASS, frame unchanged
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define MAX_VLAN 4

struct vlan_tag {
	__be16 tci;
	__be16 inner_proto;
};

static __noinline int skip_vlans(struct xdp_md *ctx, __u32 *l3_off, __be16 *proto)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 off = sizeof(*eth);
	__be16 p;
	int i;

	if ((void *)(eth + 1) > data_end)
		return -1;
	p = eth->h_proto;
#pragma clang loop unroll(disable)
	for (i = 0; i < MAX_VLAN + 1; i++) {
		struct vlan_tag *tag;

		if (p != bpf_htons(ETH_P_8021Q) && p != bpf_htons(ETH_P_8021AD))
			break;
		if (i == MAX_VLAN)
			return -1;
		tag = data + off;
		if ((void *)(tag + 1) > data_end)
			return -1;
		p = tag->inner_proto;
		off += sizeof(*tag);
	}
	*l3_off = off;
	*proto = p;
	return i;
}

__noinline int ttl_verdict(__u32 ttl)
{
	return ttl <= 1 ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int xdp_calls(struct xdp_md *ctx)
{
	__u32 l3_off = 0;
	__be16 proto = 0;
	int tags = skip_vlans(ctx, &l3_off, &proto);
	void *data, *data_end;

	if (tags < 0 || tags > 2)
		return XDP_DROP;
	if (tags == 1) {
		unsigned char macs[2 * ETH_ALEN];

		data = (void *)(long)ctx->data;
		data_end = (void *)(long)ctx->data_end;
		if (data + sizeof(macs) + sizeof(struct vlan_tag) > data_end)
			return XDP_DROP;
		__builtin_memcpy(macs, data, sizeof(macs));
		__builtin_memcpy(data + sizeof(struct vlan_tag), macs, sizeof(macs));
		if (bpf_xdp_adjust_head(ctx, (int)sizeof(struct vlan_tag)))
			return XDP_ABORTED;
		l3_off -= sizeof(struct vlan_tag);
	}
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip;

		data = (void *)(long)ctx->data;
		data_end = (void *)(long)ctx->data_end;
		if (l3_off > 64)
			return XDP_DROP;
		ip = data + l3_off;
		if ((void *)(ip + 1) > data_end)
			return XDP_DROP;
		return ttl_verdict(ip->ttl);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
