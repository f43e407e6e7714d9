// SPDX-License-Identifier: GPL-2.0
/*
 * maps_queue: QUEUE and STACK (kernel/bpf/queue_stack_maps.c): push until -E2BIG, BPF_EXIST
 * overwrites the oldest, pop/peek order, -ENOENT on empty. Popped values go to results too.
 * Both maps end with 2 elements.
 */
#include "results.h"

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 3);
	__type(value, __u32);
} fifo SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, 3);
	__type(value, __u32);
} lifo SEC(".maps");

SEC("xdp")
int maps_queue(struct xdp_md *ctx)
{
	__u32 v, out = 77;

#pragma clang loop unroll(full)
	for (int i = 1; i <= 4; i++) {
		v = i;
		record(i - 1, bpf_map_push_elem(&fifo, &v, 0));
	}        /* 0 0 0 -E2BIG */
	v = 5;
	record(4, bpf_map_push_elem(&fifo, &v, BPF_EXIST));         /* 0, drops 1 */
	record(5, bpf_map_push_elem(&fifo, &v, 4));                 /* -EINVAL */
	record(6, bpf_map_peek_elem(&fifo, &out));
	record(7, out);                                             /* 2 */
	record(8, bpf_map_pop_elem(&fifo, &out));
	record(9, out);                                             /* 2 */
#pragma clang loop unroll(full)
	for (int i = 1; i <= 3; i++) {
		v = i;
		bpf_map_push_elem(&lifo, &v, 0);
	}
	v = 4;
	record(10, bpf_map_push_elem(&lifo, &v, BPF_EXIST));        /* 0, drops 1 */
	record(11, bpf_map_pop_elem(&lifo, &out));
	record(12, out);                                            /* 4 */
	record(13, bpf_map_pop_elem(&lifo, &out));
	record(14, out);                                            /* 3 */
	record(15, bpf_map_pop_elem(&lifo, &out));
	record(16, out);                                            /* 2 */
	record(17, bpf_map_pop_elem(&lifo, &out));                  /* -ENOENT */
	record(18, out);                                            /* 0: zeroed */
	v = 8;
	record(19, bpf_map_push_elem(&lifo, &v, BPF_NOEXIST));      /* -EINVAL */
	bpf_map_push_elem(&lifo, &v, 0);
	v = 9;
	bpf_map_push_elem(&lifo, &v, 0);
	return XDP_PASS;
}
