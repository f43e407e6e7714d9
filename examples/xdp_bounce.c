// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_bounce: a header parser that rewrites the frame and sends it back out (XDP_TX), the way a
 * reflector or an ICMP responder in XDP does.
 *
 *   Ethernet / IPv4 (ihl == 5, not a fragment) / one of:
 *     ICMP echo request -> becomes an echo reply: type 8 -> 0, ICMP checksum updated
 *                          incrementally (RFC 1624, eqn. 3);
 *     UDP, TCP          -> source and destination ports swapped (L4 checksum unchanged: the
 *                          one's complement sum of the pseudo-header and ports is symmetric);
 *   then: MACs swapped, IP addresses swapped, TTL set to 64 and the IPv4 header checksum
 *   recomputed from scratch with bpf_csum_diff() (helper #28) over the 20-byte header.
 *
 * Anything else (non-IPv4, IP options, fragments, other protocols, other ICMP types, truncated
 * headers) is passed unchanged. Expected: retval 3 (XDP_TX) with the rewritten frame, or
 * 2 (XDP_PASS) with the frame untouched.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define BOUNCE_TTL 64
#define ICMP_ECHOREPLY 0
#define ICMP_ECHO 8

/* The ICMP header's first 8 bytes (RFC 792); <linux/icmp.h> would drag in libc headers. */
struct icmp_echo {
	__u8 type;
	__u8 code;
	__sum16 checksum;
	__be16 id;
	__be16 sequence;
};

static __always_inline __u16 csum_fold(__u64 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), all 16-bit words as stored on the wire. */
static __always_inline void csum_replace2(__u16 *check, __u16 old, __u16 new)
{
	__u64 sum = (__u16)~*check;

	sum += (__u16)~old;
	sum += new;
	*check = csum_fold(sum);
}

static __always_inline void swap_macs(struct ethhdr *eth)
{
	unsigned char tmp[ETH_ALEN];

	__builtin_memcpy(tmp, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, tmp, ETH_ALEN);
}

SEC("xdp")
int xdp_bounce(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	__be32 addr;
	__s64 sum;

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->ihl != 5 || (ip->frag_off & bpf_htons(0x3fff)))
		return XDP_PASS;

	if (ip->protocol == IPPROTO_ICMP) {
		struct icmp_echo *icmp = (void *)(ip + 1);
		__u16 old_word, new_word;

		if ((void *)(icmp + 1) > data_end || icmp->type != ICMP_ECHO)
			return XDP_PASS;
		old_word = *(__u16 *)icmp;
		icmp->type = ICMP_ECHOREPLY;
		new_word = *(__u16 *)icmp;
		csum_replace2(&icmp->checksum, old_word, new_word);
	} else if (ip->protocol == IPPROTO_UDP) {
		struct udphdr *udp = (void *)(ip + 1);
		__be16 port;

		if ((void *)(udp + 1) > data_end)
			return XDP_PASS;
		port = udp->source;
		udp->source = udp->dest;
		udp->dest = port;
	} else if (ip->protocol == IPPROTO_TCP) {
		struct tcphdr *tcp = (void *)(ip + 1);
		__be16 port;

		if ((void *)(tcp + 1) > data_end)
			return XDP_PASS;
		port = tcp->source;
		tcp->source = tcp->dest;
		tcp->dest = port;
	} else {
		return XDP_PASS;
	}

	swap_macs(eth);
	addr = ip->saddr;
	ip->saddr = ip->daddr;
	ip->daddr = addr;
	ip->ttl = BOUNCE_TTL;
	ip->check = 0;
	sum = bpf_csum_diff(0, 0, (__be32 *)ip, sizeof(*ip), 0);
	if (sum < 0)
		return XDP_ABORTED;
	ip->check = csum_fold((__u64)sum);
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
