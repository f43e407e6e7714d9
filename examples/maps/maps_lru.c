// SPDX-License-Identifier: GPL-2.0
/*
 * maps_lru: when the kernel's LRU hash (kernel/bpf/bpf_lru_list.c, common LRU) evicts, and what.
 * A full map refills its CPU's local free list with target_free = clamp(8 / ncpus / 2, 1, 128)
 * nodes at once, shrinking the inactive list from its tail (unreferenced first), so one insert can
 * evict several elements. results[1..9]: which of keys 1..9 of `a` survive inserting 9 into a full
 * map; results[17..28]: keys 1..12 of `b` after odd keys were looked up and 9..12 inserted;
 * results[10..15]: an LRU_PERCPU_HASH of 4, where BPF_EXIST takes no node; results[29..31]: return codes of an update of a present key in a full map and of flag errors.
 * The outcome depends on the number of possible CPUs (recorded in the golden file).
 */
#include "results.h"

struct lru8 {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
};

struct lru8 a SEC(".maps");
struct lru8 b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} c SEC(".maps");

SEC("xdp")
int maps_lru(struct xdp_md *ctx)
{
	__u32 k;
	__u64 v = 1;

#pragma clang loop unroll(full)
	for (int i = 1; i <= 8; i++) {
		k = i;
		bpf_map_update_elem(&a, &k, &v, BPF_NOEXIST);
		bpf_map_update_elem(&b, &k, &v, BPF_NOEXIST);
	}
	k = 9;
	record(0, bpf_map_update_elem(&a, &k, &v, BPF_NOEXIST));
#pragma clang loop unroll(full)
	for (int i = 1; i <= 9; i++) {
		k = i;
		record(i, bpf_map_lookup_elem(&a, &k) != 0);
	}
#pragma clang loop unroll(full)
	for (int i = 1; i <= 8; i += 2) {
		k = i;
		bpf_map_lookup_elem(&b, &k);
	}
#pragma clang loop unroll(full)
	for (int i = 9; i <= 12; i++) {
		k = i;
		bpf_map_update_elem(&b, &k, &v, BPF_NOEXIST);
	}
#pragma clang loop unroll(full)
	for (int i = 1; i <= 12; i++) {
		k = i;
		record(16 + i, bpf_map_lookup_elem(&b, &k) != 0);
	}
#pragma clang loop unroll(full)
	for (int i = 1; i <= 4; i++) {
		k = i;
		bpf_map_update_elem(&c, &k, &v, BPF_NOEXIST);
	}
	k = 5;
	record(10, bpf_map_update_elem(&c, &k, &v, BPF_EXIST));     /* -ENOENT, evicts nothing */
	record(11, bpf_map_update_elem(&c, &k, &v, BPF_NOEXIST));
#pragma clang loop unroll(full)
	for (int i = 1; i <= 4; i++) {
		k = i;
		record(11 + i, bpf_map_lookup_elem(&c, &k) != 0);
	}
	k = 12;
	record(29, bpf_map_update_elem(&b, &k, &v, BPF_EXIST));
	record(30, bpf_map_update_elem(&b, &k, &v, BPF_NOEXIST));
	record(31, bpf_map_update_elem(&b, &k, &v, BPF_F_LOCK));
	return XDP_PASS;
}
