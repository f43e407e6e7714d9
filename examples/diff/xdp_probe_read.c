// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_probe_read: bpf_probe_read_kernel of what can be compared with the kernel (its own stack,
 * the packet: the same bytes; a user and a non-canonical address: -ERANGE before any copy) and, for
 * frames of odd length only, of what cannot (8 bytes from 4 before the frame's end: the kernel
 * copies the buffer's tailroom, which xdpemu does not model). The results are written into the
 * frame, so `xdpemu diff` compares them; only the odd-length frames may be "not comparable".
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct probe_results {
	__s64 rc_stack, rc_packet, rc_user, rc_noncanonical, rc_tail;
	__u64 stack, packet, user, noncanonical, tail;
};

SEC("xdp")
int xdp_probe_read(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct probe_results r = {}, *out = data + 14;
	__u64 secret = 0x1122334455667788ULL;

	if ((void *)(out + 1) > data_end)
		return XDP_PASS;
	r.rc_stack = bpf_probe_read_kernel(&r.stack, 8, &secret);
	r.rc_packet = bpf_probe_read_kernel(&r.packet, 8, data);
	r.rc_user = bpf_probe_read_kernel(&r.user, 8, (void *)0x10000);
	r.rc_noncanonical = bpf_probe_read_kernel(&r.noncanonical, 8, (void *)0x8000000000000000ULL);
	__u32 len = (ctx->data_end - ctx->data) & 0xfff;

	if (len & 1)
		r.rc_tail = bpf_probe_read_kernel(&r.tail, 8, data + len - 4);
	__builtin_memcpy(out, &r, sizeof(r));
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
