// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_alu: an ALU-heavy loop, for benchmarks and for checking the interpreter's arithmetic
 * against the kernel's. It mixes up to the first 128 bytes of the frame, one byte per iteration
 * (a bounded loop with a per-byte bounds check), through:
 *   64-bit FNV-1a (xor, mul), 32-bit FNV-1a (alu32 mul), xorshift (rsh), an arithmetic shift of a
 *   signed value by a data-dependent amount, unsigned 64-bit div and mod by data-dependent
 *   non-zero divisors, a 32-bit rotate and a 32-bit div;
 * then writes the 32-bit digest big-endian (a byte swap) over bytes 6..9 of the frame (the first
 * four bytes of the source MAC) and returns XDP_PASS when the digest is even, XDP_DROP when odd.
 * Frames shorter than 14 bytes: XDP_ABORTED.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define MAX_BYTES 128

SEC("xdp")
int xdp_alu(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	unsigned char *p = data;
	__u64 h = 0xcbf29ce484222325ULL;
	__u32 h32 = 2166136261u;
	__u64 acc = 0;
	__s64 sacc = 0;
	__u32 digest;
	int i;

	if (data + 14 > data_end)
		return XDP_ABORTED;
#pragma clang loop unroll(disable)
	for (i = 0; i < MAX_BYTES; i++) {
		__u32 b, rot;

		if ((void *)(p + i + 1) > data_end)
			break;
		b = p[i];
		h ^= b;
		h *= 0x100000001b3ULL;
		h ^= h >> 29;
		h32 = (h32 ^ b) * 16777619u;
		rot = b & 31;
		h32 = (h32 << rot) | (h32 >> ((32 - rot) & 31));
		acc += (h % 1000003) / (b | 1);
		acc ^= h / ((__u64)(b & 7) + 1);
		sacc += ((__s64)h >> (b & 63)) - (__s64)(h32 / ((b & 15) + 1));
	}
	digest = h32 ^ (__u32)h ^ (__u32)(h >> 32) ^ (__u32)acc ^ (__u32)((__u64)sacc >> 7);
	*(__u32 *)(p + 6) = bpf_htonl(digest);
	return (digest & 1) ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
