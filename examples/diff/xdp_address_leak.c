// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_address_leak: writes the low 16 bits of its packet pointer into the frame and sends it back
 * (allowed for root: the kernel's allow_ptr_leaks). The bytes depend on where each side placed the
 * packet, so `xdpemu diff` must call such a packet "not comparable" (the program turns an address
 * into data) instead of reporting a mismatch. The byte swap of a pointer is written in assembly:
 * C has no way to ask clang for it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_address_leak(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 bits;

	if (data + 2 > data_end)
		return XDP_PASS;
	asm volatile("%0 = %1\n\t%0 = le16 %0" : "=r"(bits) : "r"(data));
	*(__u16 *)data = bits;
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
