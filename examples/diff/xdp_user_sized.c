// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_user_sized: maps declared with max_entries 0, sized by the loader before creation as
 * xdp-tools' xdp-bench and xdp-trafficgen do (bpf_map__set_max_entries). The kernel refuses them
 * as declared; `xdpemu diff` gives them one documented size on both sides (1024 entries).
 * Counts per CPU and per frame length; lengths past the size get NULL/-E2BIG on both sides.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 0); /* the loader sets it */
	__type(key, __u32);
	__type(value, __u64);
} rx_cnt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 0); /* the loader sets it */
	__type(key, __u32);
	__type(value, __u64);
} by_length SEC(".maps");

SEC("xdp")
int xdp_user_sized(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data, cpu = 0;
	__u64 one = 1, *n = bpf_map_lookup_elem(&rx_cnt, &cpu);

	if (n)
		*n += 1;
	n = bpf_map_lookup_elem(&by_length, &len);
	if (n)
		*n += 1;
	else if (bpf_map_update_elem(&by_length, &len, &one, BPF_NOEXIST))
		return XDP_DROP;
	/* An index past the size: NULL on both sides alike. */
	cpu = len;
	return bpf_map_lookup_elem(&rx_cnt, &cpu) ? XDP_PASS : XDP_TX;
}

char _license[] SEC("license") = "GPL";
