// SPDX-License-Identifier: GPL-2.0
/*
 * maps_array: ARRAY and PERCPU_ARRAY (kernel/bpf/arraymap.c): every element exists, so
 * BPF_NOEXIST is -EEXIST; an index past max_entries is -E2BIG on update and NULL on lookup;
 * deleting is -EINVAL. `arr` ends with [0]=5, [3]=7 (the rest 0); `parr` with this CPU's [1]=9.
 */
#include "results.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} parr SEC(".maps");

SEC("xdp")
int maps_array(struct xdp_md *ctx)
{
	__u32 k = 0;
	__u64 v = 5;

	record(0, bpf_map_update_elem(&arr, &k, &v, BPF_ANY));
	record(1, bpf_map_update_elem(&arr, &k, &v, BPF_NOEXIST));     /* -EEXIST */
	k = 3; v = 7;
	record(2, bpf_map_update_elem(&arr, &k, &v, BPF_EXIST));       /* 0 */
	k = 4;
	record(3, bpf_map_update_elem(&arr, &k, &v, BPF_ANY));         /* -E2BIG */
	record(4, bpf_map_lookup_elem(&arr, &k) != 0);                 /* 0 */
	k = 0;
	record(5, bpf_map_delete_elem(&arr, &k));                      /* -EINVAL */
	record(6, bpf_map_update_elem(&arr, &k, &v, 3));               /* -EINVAL */
	__u64 *p = bpf_map_lookup_elem(&arr, &k);
	record(7, p ? *p : -1);                                        /* 5 */
	k = 1; v = 9;
	record(8, bpf_map_update_elem(&parr, &k, &v, BPF_ANY));
	record(9, bpf_map_update_elem(&parr, &k, &v, BPF_NOEXIST));    /* -EEXIST */
	record(10, bpf_map_update_elem(&parr, &k, &v, 4));             /* F_LOCK on percpu: -EINVAL */
	p = bpf_map_lookup_elem(&parr, &k);
	if (p)
		__sync_fetch_and_add(p, 1);
	record(11, p ? *p : -1);                                       /* 10 */
	return XDP_PASS;
}
