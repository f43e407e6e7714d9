// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_pinned: counts packets per CPU in a map pinned by name (LIBBPF_PIN_BY_NAME), as xdp-filter
 * and the xdp-tutorial tools do. `xdpemu diff` must never open, reuse or change a pin of that name
 * on the host: the kernel side pins into a private directory (KernelDiffTest checks both).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xdpemu_pinned_stats SEC(".maps");

SEC("xdp")
int xdp_pinned(struct xdp_md *ctx)
{
	__u32 key = (ctx->data_end - ctx->data) > 100;
	__u64 *count = bpf_map_lookup_elem(&xdpemu_pinned_stats, &key);

	if (count)
		*count += 1;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
