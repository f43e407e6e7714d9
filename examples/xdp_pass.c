// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_pass: the smallest XDP program. Every frame is passed to the stack untouched.
 * Expected: retval 2 (XDP_PASS), data_out == data_in, for any frame.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
