// SPDX-License-Identifier: GPL-2.0
/*
 * maps_lpm: LPM_TRIE (kernel/bpf/lpm_trie.c): longest-prefix match over IPv4 keys, its errnos
 * (prefixlen > 32: -EINVAL; full: -ENOSPC; NOEXIST/EXIST: -EEXIST/-ENOENT). results[8..12] are the
 * values found for 10.1.2.3, 10.1.9.9, 10.9.9.9, 192.168.0.1 (-1 = none) and 10.1.2.3/16.
 */
#include "results.h"

struct lpm_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 3);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_key);
	__type(value, __u32);
} routes SEC(".maps");

static __always_inline __s64 find(__u32 len, __u8 a, __u8 b, __u8 c, __u8 d)
{
	struct lpm_key k = {len, {a, b, c, d}};
	__u32 *v = bpf_map_lookup_elem(&routes, &k);
	return v ? *v : -1;
}

SEC("xdp")
int maps_lpm(struct xdp_md *ctx)
{
	struct lpm_key k = {8, {10, 0, 0, 0}};
	__u32 v = 8;

	record(0, bpf_map_update_elem(&routes, &k, &v, BPF_ANY));
	k.prefixlen = 16; k.addr[1] = 1; v = 16;
	record(1, bpf_map_update_elem(&routes, &k, &v, BPF_NOEXIST));
	record(2, bpf_map_update_elem(&routes, &k, &v, BPF_NOEXIST));  /* -EEXIST */
	k.prefixlen = 24; k.addr[2] = 2; v = 24;
	record(3, bpf_map_update_elem(&routes, &k, &v, BPF_EXIST));    /* -ENOENT */
	record(4, bpf_map_update_elem(&routes, &k, &v, BPF_ANY));
	k.prefixlen = 30; v = 30;
	record(5, bpf_map_update_elem(&routes, &k, &v, BPF_ANY));      /* -ENOSPC */
	k.prefixlen = 33;
	record(6, bpf_map_update_elem(&routes, &k, &v, BPF_ANY));      /* -EINVAL */
	k.prefixlen = 12;
	record(7, bpf_map_delete_elem(&routes, &k));                   /* -ENOENT */
	record(8, find(32, 10, 1, 2, 3));
	record(9, find(32, 10, 1, 9, 9));
	record(10, find(32, 10, 9, 9, 9));
	record(11, find(32, 192, 168, 0, 1));
	record(12, find(16, 10, 1, 2, 3));
	return XDP_PASS;
}
