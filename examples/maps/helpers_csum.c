// SPDX-License-Identifier: GPL-2.0
/*
 * helpers_csum: bpf_csum_diff's exact 32-bit results (net/core/filter.c, x86-64 csum_partial)
 * over the packet's first 40 bytes: push (to only), pull (from only), diff (both), with and
 * without seed, and -EINVAL for sizes that are not multiples of 4. Run on any packet >= 40 bytes.
 */
#include "results.h"

SEC("xdp")
int helpers_csum(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__be32 *w = data;

	if (data + 40 > end)
		return XDP_ABORTED;
	record(0, bpf_csum_diff(0, 0, w, 4, 0));
	record(1, bpf_csum_diff(0, 0, w, 20, 0));
	record(2, bpf_csum_diff(0, 0, w, 40, 0x12345678));
	record(3, bpf_csum_diff(w, 8, 0, 0, 0));
	record(4, bpf_csum_diff(w, 8, 0, 0, 0xffffffff));
	record(5, bpf_csum_diff(w, 4, w + 1, 4, 0));
	record(6, bpf_csum_diff(w, 16, w + 4, 16, 0xabcd));
	record(7, bpf_csum_diff(w, 4, w, 4, 0));
	record(8, bpf_csum_diff(0, 0, w, 3, 0));             /* -EINVAL */
	record(9, bpf_csum_diff(w, 2, w, 4, 0));             /* -EINVAL */
	record(10, bpf_csum_diff(0, 0, 0, 0, 0x1234));        /* seed only */
	return XDP_PASS;
}
