// SPDX-License-Identifier: GPL-2.0
/*
 * maps_in_maps: ARRAY_OF_MAPS and HASH_OF_MAPS (kernel/bpf/map_in_map.c) filled from the maps'
 * initial values: a lookup in the outer map yields the inner map, which the program then uses
 * with the map helpers; an empty slot or absent key yields NULL. results[0..6] as commented; the
 * inner maps end with inner_a[1] = 11 and inner_b[2] = 22.
 */
#include "results.h"

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
};

struct inner inner_a SEC(".maps");
struct inner inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner);
} outer_arr SEC(".maps") = {
	.values = { [0] = &inner_a },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner);
} outer_hash SEC(".maps") = {
	.values = { [1] = &inner_b },
};

SEC("xdp")
int maps_in_maps(struct xdp_md *ctx)
{
	__u32 k = 0, one = 1, two = 2;
	__u64 v = 11;

	void *a = bpf_map_lookup_elem(&outer_arr, &k);
	record(0, a != 0);                                          /* 1 */
	if (a) {
		record(1, bpf_map_update_elem(a, &one, &v, BPF_ANY));  /* 0 */
		__u64 *p = bpf_map_lookup_elem(a, &one);
		record(2, p ? *p : -1);                                 /* 11 */
	}
	k = 1;
	record(3, bpf_map_lookup_elem(&outer_arr, &k) != 0);        /* 0: empty slot */
	void *b = bpf_map_lookup_elem(&outer_hash, &one);
	record(4, b != 0);                                          /* 1 */
	if (b) {
		v = 22;
		record(5, bpf_map_update_elem(b, &two, &v, BPF_NOEXIST)); /* -EEXIST: arrays */
		record(6, bpf_map_update_elem(b, &two, &v, BPF_ANY));     /* 0 */
	}
	record(7, bpf_map_lookup_elem(&outer_hash, &two) != 0);     /* 0 */
	return XDP_PASS;
}
