// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_bigmap: a katran-sized map. katran's consistent-hashing ring (ch_rings) is an array of
 * 512 VIPs x 65537 slots = 33,554,944 __u32 elements; this program picks a slot from the frame's
 * first bytes and counts there. `xdpemu diff` must compare such a map in seconds: by what changed
 * (the elements written), not element by element.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define RING_SIZE 65537
#define MAX_VIPS 512
#define CH_RINGS_SIZE (MAX_VIPS * RING_SIZE)

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CH_RINGS_SIZE);
	__type(key, __u32);
	__type(value, __u32);
} ch_rings SEC(".maps");

SEC("xdp")
int xdp_bigmap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 *word = data, key, *slot;

	if ((void *)(word + 4) > data_end)
		return XDP_PASS;
	key = (word[0] ^ word[1] ^ word[2] ^ word[3]) % CH_RINGS_SIZE;
	slot = bpf_map_lookup_elem(&ch_rings, &key);
	if (!slot)
		return XDP_ABORTED;
	*slot += 1;
	return *slot & 1 ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
