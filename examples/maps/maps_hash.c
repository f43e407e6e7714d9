// SPDX-License-Identifier: GPL-2.0
/*
 * maps_hash: update flags and errnos of HASH, PERCPU_HASH and LRU_HASH (kernel/bpf/hashtab.c).
 * results[i] holds the return code of step i (see the comments); `small` ends with keys 1..4
 * (values 10*key, key 2 rewritten to 21); `lru` holds 4 of keys 1..5 (which one was evicted is
 * the kernel's LRU choice); `pcpu` holds key 7 on the running CPU.
 */
#include "results.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} small SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} lru SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} pcpu SEC(".maps");

SEC("xdp")
int maps_hash(struct xdp_md *ctx)
{
	__u32 k;
	__u64 v;

	k = 1; v = 10;
	record(0, bpf_map_update_elem(&small, &k, &v, BPF_NOEXIST));  /* 0 */
	record(1, bpf_map_update_elem(&small, &k, &v, BPF_NOEXIST));  /* -EEXIST */
	k = 2; v = 20;
	record(2, bpf_map_update_elem(&small, &k, &v, BPF_EXIST));    /* -ENOENT */
	record(3, bpf_map_update_elem(&small, &k, &v, BPF_ANY));      /* 0 */
	v = 21;
	record(4, bpf_map_update_elem(&small, &k, &v, BPF_EXIST));    /* 0 */
	k = 3; v = 30;
	record(5, bpf_map_update_elem(&small, &k, &v, BPF_ANY));
	k = 4; v = 40;
	record(6, bpf_map_update_elem(&small, &k, &v, BPF_ANY));
	k = 5; v = 50;
	record(7, bpf_map_update_elem(&small, &k, &v, BPF_ANY));      /* -E2BIG: full */
	k = 4; v = 40;
	record(8, bpf_map_update_elem(&small, &k, &v, BPF_ANY));      /* 0: replace in a full map */
	k = 9;
	record(9, bpf_map_delete_elem(&small, &k));                   /* -ENOENT */
	record(10, bpf_map_update_elem(&small, &k, &v, 4));            /* BPF_F_LOCK, no lock: -EINVAL */
	record(11, bpf_map_update_elem(&small, &k, &v, 8));            /* -EINVAL */
	k = 2;
	record(12, bpf_map_lookup_elem(&small, &k) != 0);              /* 1 */
	k = 5;
	record(13, bpf_map_lookup_elem(&small, &k) != 0);              /* 0 */

	/* LRU: never -E2BIG; key 1 is used again before key 5 comes. */
#pragma clang loop unroll(full)
	for (int i = 1; i <= 4; i++) {
		k = i;
		v = i;
		record(13 + i, bpf_map_update_elem(&lru, &k, &v, BPF_NOEXIST));
	}
	k = 1;
	record(18, bpf_map_lookup_elem(&lru, &k) != 0);
	k = 5; v = 5;
	record(19, bpf_map_update_elem(&lru, &k, &v, BPF_NOEXIST));   /* 0: evicts */
	record(20, bpf_map_update_elem(&lru, &k, &v, 4));              /* -EINVAL */
	k = 5;
	record(21, bpf_map_lookup_elem(&lru, &k) != 0);

	k = 7; v = 70;
	record(22, bpf_map_update_elem(&pcpu, &k, &v, BPF_ANY));
	k = 8;
	record(23, bpf_map_update_elem(&pcpu, &k, &v, BPF_ANY));
	k = 9;
	record(24, bpf_map_update_elem(&pcpu, &k, &v, BPF_ANY));       /* -E2BIG */
	record(25, bpf_map_delete_elem(&pcpu, &k));                     /* -ENOENT */
	k = 8;
	record(26, bpf_map_delete_elem(&pcpu, &k));                     /* 0 */
	return XDP_PASS;
}
