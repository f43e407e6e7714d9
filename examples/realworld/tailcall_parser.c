// SPDX-License-Identifier: GPL-2.0
/* A Cilium-style XDP datapath in tail-called stages: Ethernet with up to two VLAN tags, then IPv4
 * (options walked) or IPv6 (extension headers walked), then TCP (options parsed: MSS, window
 * scale, SACK-permitted, SACK blocks, timestamps) or UDP. Stages hand the parse cursor over in a
 * per-CPU scratch map, as Cilium's ctx_store_meta does, and each loop is unrolled, so the verifier
 * walks every option sequence the bounds allow: the TCP stage alone needs well over 50,000
 * processed instructions. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define STAGE_IPV4 1
#define STAGE_IPV6 2
#define STAGE_TCP 3
#define STAGE_UDP 4

/* TCP option kinds (RFC 793, 7323, 2018; the kernel keeps them in include/net/tcp.h). */
#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2
#define TCPOPT_WINDOW 3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_SACK 5
#define TCPOPT_TIMESTAMP 8

#define MAX_VLAN 2
#define MAX_IPV4_OPTS 8
#define MAX_IPV6_EXT 6
#define MAX_TCP_OPTS 24

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} stages SEC(".maps");

/* What one stage tells the next (Cilium: ctx_store_meta / ctx_load_meta). */
struct scratch {
	__u32 l3_off;
	__u32 l4_off;
	__u32 proto;
	__u32 flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

struct tcp_seen {
	__u32 mss;
	__u32 wscale;
	__u32 sack_perm;
	__u32 sack_blocks;
	__u32 tsval;
	__u32 tsecr;
	__u32 unknown;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tcp_seen);
} tcp_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

static __always_inline struct scratch *scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch_map, &zero);
}

static __always_inline int drop(__u32 reason)
{
	__u64 *n = bpf_map_lookup_elem(&drops, &reason);

	if (n)
		*n += 1;
	return XDP_DROP;
}

SEC("xdp")
int cil_from_netdev(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct scratch *s = scratch();
	__u32 off = sizeof(*eth);
	__u16 proto;

	if (!s)
		return XDP_ABORTED;
	if (data + sizeof(*eth) > end)
		return drop(1);
	proto = eth->h_proto;
#pragma unroll
	for (int i = 0; i < MAX_VLAN; i++) {
		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		if (data + off + 4 > end)
			return drop(2);
		proto = *(__u16 *)(data + off + 2);
		off += 4;
	}
	s->l3_off = off;
	s->flags = 0;
	if (proto == bpf_htons(ETH_P_IP))
		bpf_tail_call(ctx, &stages, STAGE_IPV4);
	else if (proto == bpf_htons(ETH_P_IPV6))
		bpf_tail_call(ctx, &stages, STAGE_IPV6);
	return XDP_PASS;
}

SEC("xdp")
int cil_ipv4(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct scratch *s = scratch();
	struct iphdr *ip;
	__u8 *opt, *opt_end;
	__u32 ihl;

	if (!s || s->l3_off > 8 + sizeof(struct ethhdr))
		return XDP_ABORTED;
	ip = data + s->l3_off;
	if ((void *)(ip + 1) > end)
		return drop(3);
	if (ip->version != 4 || ip->ihl < 5)
		return drop(4);
	ihl = ip->ihl * 4;
	opt = (__u8 *)(ip + 1);
	opt_end = (__u8 *)ip + ihl;
	if ((void *)opt_end > end)
		return drop(5);
	/* IPv4 options: EOL, NOP, and type-length-value; source routes are dropped, as Cilium does. */
#pragma unroll
	for (int i = 0; i < MAX_IPV4_OPTS; i++) {
		if (opt + 1 > opt_end || (void *)(opt + 1) > end)
			break;
		if (opt[0] == 0)
			break;
		if (opt[0] == 1) {
			opt++;
			continue;
		}
		if (opt + 2 > opt_end || (void *)(opt + 2) > end)
			return drop(6);
		if (opt[1] < 2)
			return drop(7);
		if (opt[0] == 0x83 || opt[0] == 0x89)
			return drop(8);
		opt += opt[1];
	}
	if (ip->frag_off & bpf_htons(0x1fff))
		s->flags |= 1;
	s->l4_off = s->l3_off + ihl;
	s->proto = ip->protocol;
	if (ip->protocol == IPPROTO_TCP)
		bpf_tail_call(ctx, &stages, STAGE_TCP);
	else if (ip->protocol == IPPROTO_UDP)
		bpf_tail_call(ctx, &stages, STAGE_UDP);
	return XDP_PASS;
}

SEC("xdp")
int cil_ipv6(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct scratch *s = scratch();
	struct ipv6hdr *ip6;
	__u32 off;
	__u8 nh;

	if (!s || s->l3_off > 8 + sizeof(struct ethhdr))
		return XDP_ABORTED;
	ip6 = data + s->l3_off;
	if ((void *)(ip6 + 1) > end)
		return drop(9);
	nh = ip6->nexthdr;
	off = s->l3_off + sizeof(*ip6);
	/* ipv6_hdrlen(): hop-by-hop, routing, destination options and AH are skipped, a fragment
	 * header ends the walk. */
#pragma unroll
	for (int i = 0; i < MAX_IPV6_EXT; i++) {
		__u8 *eh = data + off;

		if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING && nh != IPPROTO_DSTOPTS &&
		    nh != IPPROTO_AH && nh != IPPROTO_FRAGMENT)
			break;
		if (off > 512 || (void *)(eh + 8) > end)
			return drop(10);
		if (nh == IPPROTO_FRAGMENT) {
			s->flags |= 1;
			nh = eh[0];
			off += 8;
			break;
		}
		if (nh == IPPROTO_AH)
			off += (eh[1] + 2) * 4;
		else
			off += (eh[1] + 1) * 8;
		nh = eh[0];
	}
	s->l4_off = off;
	s->proto = nh;
	if (nh == IPPROTO_TCP)
		bpf_tail_call(ctx, &stages, STAGE_TCP);
	else if (nh == IPPROTO_UDP)
		bpf_tail_call(ctx, &stages, STAGE_UDP);
	return XDP_PASS;
}

SEC("xdp")
int cil_tcp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct scratch *s = scratch();
	struct tcp_seen *seen;
	struct tcphdr *tcp;
	__u8 *opt, *opt_end;
	__u32 zero = 0;

	if (!s)
		return XDP_ABORTED;
	seen = bpf_map_lookup_elem(&tcp_stats, &zero);
	if (!seen)
		return XDP_ABORTED;
	/* The masks bound the offsets for the verifier, as Cilium's ctx_load_meta users do. */
	tcp = data + (s->l4_off & 0x1ff);
	if ((void *)(tcp + 1) > end)
		return drop(11);
	if (tcp->doff < 5)
		return drop(12);
	opt = (__u8 *)(tcp + 1);
	opt_end = (__u8 *)tcp + tcp->doff * 4;
	if ((void *)opt_end > end)
		return drop(13);
#pragma unroll
	for (int i = 0; i < MAX_TCP_OPTS; i++) {
		__u8 kind, len;

		if (opt + 1 > opt_end || (void *)(opt + 1) > end)
			break;
		kind = opt[0];
		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			opt++;
			continue;
		}
		if (opt + 2 > opt_end || (void *)(opt + 2) > end)
			return drop(14);
		len = opt[1];
		if (len < 2 || opt + len > opt_end)
			return drop(15);
		switch (kind) {
		case TCPOPT_MSS:
			if (len != 4 || (void *)(opt + 4) > end)
				return drop(16);
			seen->mss = bpf_ntohs(*(__u16 *)(opt + 2));
			break;
		case TCPOPT_WINDOW:
			if (len != 3 || (void *)(opt + 3) > end)
				return drop(17);
			seen->wscale = opt[2] > 14 ? 14 : opt[2];
			break;
		case TCPOPT_SACK_PERM:
			if (len != 2)
				return drop(18);
			seen->sack_perm = 1;
			break;
		case TCPOPT_SACK:
			if ((len - 2) % 8 != 0)
				return drop(19);
			seen->sack_blocks += (len - 2) / 8;
			break;
		case TCPOPT_TIMESTAMP:
			if (len != 10 || (void *)(opt + 10) > end)
				return drop(20);
			seen->tsval = bpf_ntohl(*(__u32 *)(opt + 2));
			seen->tsecr = bpf_ntohl(*(__u32 *)(opt + 6));
			break;
		default:
			seen->unknown++;
		}
		opt += len;
	}
	if (tcp->syn && !seen->mss)
		return drop(21);
	return XDP_PASS;
}

SEC("xdp")
int cil_udp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct scratch *s = scratch();
	struct udphdr *udp;

	if (!s)
		return XDP_ABORTED;
	udp = data + (s->l4_off & 0x1ff);
	if ((void *)(udp + 1) > end)
		return drop(22);
	if (udp->dest == bpf_htons(4789) || udp->dest == bpf_htons(8472))
		s->flags |= 2; /* VXLAN: Cilium's overlay */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
