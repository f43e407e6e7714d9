// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_uninit_stack: reads 8 bytes of its stack that nothing wrote (allowed for root). The kernel
 * returns whatever its stack held there, xdpemu zeros: the result is undefined, and `xdpemu diff`
 * must say so ("undefined (uninitialized stack)") instead of reporting a mismatch. The read is
 * written in assembly because C cannot express it without undefined behaviour that clang removes.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_uninit_stack(struct xdp_md *ctx)
{
	__u64 leftover;

	asm volatile("%0 = *(u64 *)(r10 - 504)" : "=r"(leftover));
	return leftover == 0 ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
