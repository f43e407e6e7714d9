// SPDX-License-Identifier: GPL-2.0
/* iproute2-style map in map: the outer ARRAY_OF_MAPS names its inner template by inner_id, and the
 * inner map (id 42, inner_idx 0) is inserted at slot 0, as iproute2's lib/bpf_legacy.c does. The
 * outer lookup gives a map pointer; the inner lookup a map value. */
#include <linux/bpf.h>

struct bpf_elf_map {
	__u32 type, size_key, size_value, max_elem, flags, id, pinning, inner_id, inner_idx;
};

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;

struct bpf_elf_map __attribute__((section("maps"), used)) inner = {
	.type = BPF_MAP_TYPE_ARRAY, .size_key = 4, .size_value = 4, .max_elem = 1,
	.id = 42, .inner_idx = 0,
};

struct bpf_elf_map __attribute__((section("maps"), used)) outer = {
	.type = BPF_MAP_TYPE_ARRAY_OF_MAPS, .size_key = 4, .size_value = 4, .max_elem = 2,
	.inner_id = 42,
};

__attribute__((section("xdp"), used)) int xdp_mim(struct xdp_md *ctx)
{
	__u32 key = 0;
	void *map = bpf_map_lookup_elem(&outer, &key);
	__u32 *action;

	if (!map)
		return XDP_PASS;
	action = bpf_map_lookup_elem(map, &key);
	if (!action)
		return XDP_ABORTED;
	return *action == 1 ? XDP_DROP : XDP_PASS;
}

char __license[] __attribute__((section("license"), used)) = "GPL";
