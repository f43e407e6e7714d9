// SPDX-License-Identifier: GPL-2.0
/*
 * helpers_callbacks: bpf_loop (stops after the callback returns 1, returns the iterations run;
 * flags must be 0; more than 1 << 23 loops is -E2BIG) and bpf_for_each_map_elem (returns the
 * elements visited, the stopping one included) over this program's own results map.
 */
#include "results.h"

static long count_up(__u32 i, void *ctx)
{
	__u64 *sum = ctx;
	*sum += i;
	return i == 9 ? 1 : 0;
}

struct bpf_map;

static long visit(struct bpf_map *map, __u32 *key, __s64 *value, void *ctx)
{
	__u64 *n = ctx;
	*n += 1;
	return *key == 2 ? 1 : 0;
}

SEC("xdp")
int helpers_callbacks(struct xdp_md *ctx)
{
	__u64 sum = 0;

	record(0, bpf_loop(100, count_up, &sum, 0));          /* 10 */
	record(1, sum);                                        /* 45 */
	record(2, bpf_loop(5, count_up, &sum, 1));            /* -EINVAL */
	record(3, bpf_loop((1 << 23) + 1, count_up, &sum, 0)); /* -E2BIG */
	sum = 0;
	record(4, bpf_for_each_map_elem(&results, visit, &sum, 0)); /* 3 */
	record(5, sum);                                        /* 3 */
	return XDP_PASS;
}
