// SPDX-License-Identifier: GPL-2.0
/* An old-style object: compiled without -g (no BTF) and with its function symbols stripped (see
 * the Makefile), as older clang and iproute2 builds left them. The program is its whole section
 * "prog"; the static subprogram in .text is reached only through a call relocation. The map uses
 * iproute2's struct bpf_elf_map. */
#include <linux/bpf.h>

struct bpf_elf_map {
	__u32 type, size_key, size_value, max_elem, flags, id, pinning, inner_id, inner_idx;
};

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;

struct bpf_elf_map __attribute__((section("maps"), used)) counters = {
	.type = BPF_MAP_TYPE_ARRAY, .size_key = 4, .size_value = 8, .max_elem = 4,
	.pinning = 2, /* PIN_GLOBAL_NS */
};

static __attribute__((noinline)) int classify(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (data + 14 > data_end)
		return 0;
	return ((unsigned char *)data)[12] == 0x08 ? 1 : 2;
}

__attribute__((section("prog"), used)) int xdp_legacy(struct xdp_md *ctx)
{
	__u32 key = classify(ctx);
	__u64 *n = bpf_map_lookup_elem(&counters, &key);

	if (n)
		__sync_fetch_and_add(n, 1);
	return XDP_PASS;
}

char __license[] __attribute__((section("license"), used)) = "GPL";
