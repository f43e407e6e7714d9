// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_meta: decides on a mark that the NIC (or BPF_PROG_TEST_RUN's ctx_in) placed in the
 * metadata area right before the frame:
 *
 *        data_meta          data                                 data_end
 *        |  __u32 mark (host order)  |  Ethernet | IPv4 | ...       |
 *
 *   fewer than 4 bytes of metadata  -> XDP_PASS, frame unchanged
 *   mark == 0                       -> XDP_PASS, frame unchanged
 *   bit 31 set                      -> XDP_DROP
 *   otherwise, for IPv4 (ihl any)   -> DSCP := mark & 0x3f (ECN bits kept), IPv4 header checksum
 *                                      updated incrementally (RFC 1624); then
 *                                      bit 30 set -> XDP_TX, else XDP_PASS
 *   otherwise (not IPv4)            -> XDP_PASS, frame unchanged
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define MARK_DROP (1u << 31)
#define MARK_TX (1u << 30)

static __always_inline __u16 csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

SEC("xdp")
int xdp_meta(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 *meta = (void *)(long)ctx->data_meta;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	__u16 old_word, new_word;
	__u32 mark, sum;

	if ((void *)(meta + 1) > data)
		return XDP_PASS;
	mark = *meta;
	if (mark == 0)
		return XDP_PASS;
	if (mark & MARK_DROP)
		return XDP_DROP;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_PASS;

	old_word = *(__u16 *)ip; /* version/ihl and TOS */
	ip->tos = (__u8)(((mark & 0x3f) << 2) | (ip->tos & 0x3));
	new_word = *(__u16 *)ip;
	sum = (__u16)~ip->check;
	sum += (__u16)~old_word;
	sum += new_word;
	ip->check = csum_fold(sum);
	return (mark & MARK_TX) ? XDP_TX : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
