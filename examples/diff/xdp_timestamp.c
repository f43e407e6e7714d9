// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_timestamp: remembers when the last packet came (bpf_ktime_get_ns) and drops one packet in
 * two at random (bpf_get_prandom_u32). Its results can never agree with another run: `xdpemu diff`
 * must classify such differences as time/random, not report them as mismatches.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} last_seen SEC(".maps");

SEC("xdp")
int xdp_timestamp(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *t = bpf_map_lookup_elem(&last_seen, &key);

	if (t)
		*t = bpf_ktime_get_ns();
	return bpf_get_prandom_u32() & 1 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
