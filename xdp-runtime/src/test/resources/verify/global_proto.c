// SPDX-License-Identifier: GPL-2.0
/*
 * A global function that is only safe in its caller's context: pick() indexes a table with its
 * argument unchecked. The caller passes a constant, but the kernel verifies a global function
 * once against its BTF prototype (btf_prepare_func_args: `int i` is an unknown scalar), so it
 * rejects the object. A loader that checked pick() inline at the call site would accept it.
 *
 *   clang -O2 -g -target bpf -mcpu=v3 -fdebug-prefix-map=$PWD=. -c global_proto.c
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u32 table[4];

__noinline int pick(int i)
{
	return table[i];
}

SEC("xdp")
int global_proto(struct xdp_md *ctx)
{
	return pick(1) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
