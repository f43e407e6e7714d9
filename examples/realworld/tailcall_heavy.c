// SPDX-License-Identifier: GPL-2.0
/* A parser in stages chained by tail calls, like Cilium's datapath: each stage walks up to 24
 * option bytes with data-dependent branches, so the verifier explores well over 50k instructions
 * while the program stays small. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} stages SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

static __always_inline int walk(struct xdp_md *ctx, int stage)
{
	unsigned char *p = (void *)(long)ctx->data;
	unsigned char *end = (void *)(long)ctx->data_end;
	__u32 kinds = 0, sum = 0;

#pragma clang loop unroll(disable)
	for (int i = 0; i < 24; i++) {
		if (p + 1 > end)
			break;
		if (*p & 1)
			kinds |= 1u << (i & 7);
		else
			sum += *p;
		if (*p == 0xff)
			break;
		p += (*p & 2) ? 1 : 1;
	}
	__u32 key = (kinds ^ sum) & 7;
	__u64 *n = bpf_map_lookup_elem(&seen, &key);
	if (n)
		*n += stage;
	return (int)key;
}

SEC("xdp")
int tc_stage0(struct xdp_md *ctx)
{
	if (walk(ctx, 0) == 3)
		bpf_tail_call(ctx, &stages, 1);
	bpf_tail_call(ctx, &stages, 2);
	return XDP_PASS;
}

SEC("xdp")
int tc_stage1(struct xdp_md *ctx)
{
	walk(ctx, 1);
	bpf_tail_call(ctx, &stages, 2);
	return XDP_DROP;
}

SEC("xdp")
int tc_stage2(struct xdp_md *ctx)
{
	return walk(ctx, 2) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
