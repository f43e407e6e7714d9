// SPDX-License-Identifier: GPL-2.0
/*
 * maps_redirect: bpf_redirect and bpf_redirect_map on empty DEVMAP, DEVMAP_HASH, CPUMAP and
 * XSKMAP (net/core/filter.c __bpf_xdp_redirect_map): a missing key returns the low two bits of
 * flags (the fallback action); other flag bits are XDP_ABORTED, except BPF_F_BROADCAST and
 * BPF_F_EXCLUDE_INGRESS on devmaps (broadcast always returns XDP_REDIRECT). Returns XDP_PASS.
 */
#include "results.h"

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} devs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} devhash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} cpus SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

SEC("xdp")
int maps_redirect(struct xdp_md *ctx)
{
	record(0, bpf_redirect_map(&devs, 1, 0));              /* XDP_ABORTED (0) */
	record(1, bpf_redirect_map(&devs, 1, XDP_PASS));       /* 2 */
	record(2, bpf_redirect_map(&devs, 9, XDP_TX));         /* 3 */
	record(3, bpf_redirect_map(&devs, 1, 4));              /* 0: bit 2 is no flag */
	record(4, bpf_redirect_map(&devs, 1, BPF_F_BROADCAST)); /* 4 */
	record(5, bpf_redirect_map(&devhash, 1, XDP_DROP));    /* 1 */
	record(6, bpf_redirect_map(&cpus, 0, XDP_PASS));       /* 2 */
	record(7, bpf_redirect_map(&cpus, 0, BPF_F_BROADCAST | XDP_PASS)); /* 0 */
	record(8, bpf_redirect_map(&xsks, 1, XDP_DROP));       /* 1 */
	record(9, bpf_redirect(1, 1));                         /* 0: flags -> XDP_ABORTED */
	record(10, bpf_redirect(1, 0));                        /* 4 */
	record(11, bpf_map_lookup_elem(&devs, &(__u32){1}) != 0); /* 0 */
	return XDP_PASS;
}
