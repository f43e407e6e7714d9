// SPDX-License-Identifier: GPL-2.0
/* The conntrack kfuncs of net/netfilter/nf_conntrack_bpf.c, declared from the kernel's BTF
 * prototypes: a lookup is an acquired reference (KF_ACQUIRE | KF_RET_NULL) that the program must
 * release; an allocated entry is set up and inserted (bpf_ct_insert_entry releases the
 * nf_conn___init and acquires the nf_conn). The last two programs break the rules. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct nf_conn {
	unsigned long status;
	unsigned int mark;
} __attribute__((preserve_access_index));

struct nf_conn___init {
	unsigned long status;
} __attribute__((preserve_access_index));

struct bpf_ct_opts {
	__s32 netns_id;
	__s32 error;
	__u8 l4proto;
	__u8 dir;
	__u16 ct_zone_id;
	__u8 ct_zone_dir;
	__u8 reserved[3];
};

extern struct nf_conn *bpf_xdp_ct_lookup(struct xdp_md *, struct bpf_sock_tuple *, __u32,
					 struct bpf_ct_opts *, __u32) __ksym;
extern struct nf_conn___init *bpf_xdp_ct_alloc(struct xdp_md *, struct bpf_sock_tuple *, __u32,
					       struct bpf_ct_opts *, __u32) __ksym;
extern struct nf_conn *bpf_ct_insert_entry(struct nf_conn___init *) __ksym;
extern void bpf_ct_release(struct nf_conn *) __ksym;
extern void bpf_ct_set_timeout(struct nf_conn___init *, __u32) __ksym;
extern int bpf_ct_set_status(const struct nf_conn___init *, __u32) __ksym;

#define IPS_CONFIRMED 8

static __always_inline int tuple_of(struct xdp_md *ctx, struct bpf_sock_tuple *t)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct tcphdr *tcp = (void *)(ip + 1);

	if ((void *)(tcp + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_TCP)
		return -1;
	t->ipv4.saddr = ip->saddr;
	t->ipv4.daddr = ip->daddr;
	t->ipv4.sport = tcp->source;
	t->ipv4.dport = tcp->dest;
	return 0;
}

SEC("xdp")
int ct_lookup_release(struct xdp_md *ctx)
{
	struct bpf_ct_opts opts = { .netns_id = -1, .l4proto = IPPROTO_TCP };
	struct bpf_sock_tuple t = {};
	struct nf_conn *ct;
	unsigned long status;

	if (tuple_of(ctx, &t))
		return XDP_PASS;
	ct = bpf_xdp_ct_lookup(ctx, &t, sizeof(t.ipv4), &opts, sizeof(opts));
	if (!ct)
		return opts.error == -2 ? XDP_PASS : XDP_ABORTED;
	status = ct->status;
	bpf_ct_release(ct);
	return status & IPS_CONFIRMED ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int ct_alloc_insert(struct xdp_md *ctx)
{
	struct bpf_ct_opts opts = { .netns_id = -1, .l4proto = IPPROTO_TCP };
	struct bpf_sock_tuple t = {};
	struct nf_conn___init *init;
	struct nf_conn *ct;

	if (tuple_of(ctx, &t))
		return XDP_PASS;
	init = bpf_xdp_ct_alloc(ctx, &t, sizeof(t.ipv4), &opts, sizeof(opts));
	if (!init)
		return XDP_PASS;
	bpf_ct_set_timeout(init, 10000);
	bpf_ct_set_status(init, IPS_CONFIRMED);
	ct = bpf_ct_insert_entry(init);
	if (!ct)
		return XDP_DROP;
	bpf_ct_release(ct);
	return XDP_TX;
}

SEC("xdp")
int ct_leak(struct xdp_md *ctx)
{
	struct bpf_ct_opts opts = { .netns_id = -1, .l4proto = IPPROTO_TCP };
	struct bpf_sock_tuple t = {};
	struct nf_conn *ct;

	if (tuple_of(ctx, &t))
		return XDP_PASS;
	ct = bpf_xdp_ct_lookup(ctx, &t, sizeof(t.ipv4), &opts, sizeof(opts));
	return ct ? XDP_DROP : XDP_PASS; /* never released */
}

SEC("xdp")
int ct_write_status(struct xdp_md *ctx)
{
	struct bpf_ct_opts opts = { .netns_id = -1, .l4proto = IPPROTO_TCP };
	struct bpf_sock_tuple t = {};
	struct nf_conn *ct;

	if (tuple_of(ctx, &t))
		return XDP_PASS;
	ct = bpf_xdp_ct_lookup(ctx, &t, sizeof(t.ipv4), &opts, sizeof(opts));
	if (!ct)
		return XDP_PASS;
	ct->status = IPS_CONFIRMED; /* only mark is writable */
	bpf_ct_release(ct);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
