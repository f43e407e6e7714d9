// SPDX-License-Identifier: GPL-2.0
/*
 * helpers_xdp: bpf_xdp_adjust_head/meta/tail, bpf_xdp_load/store_bytes, bpf_xdp_get_buff_len at
 * their limits (net/core/filter.c). Under BPF_PROG_TEST_RUN the frame has 256 bytes of headroom
 * (40 of them for struct xdp_frame) and frame_sz 4096 (320 reserved for skb_shared_info). Run on
 * a 64-byte packet: the output is the packet with 4 bytes removed at the head, bytes 0..3
 * overwritten with de ad be ef, and 6 zero bytes appended.
 */
#include "results.h"

SEC("xdp")
int helpers_xdp(struct xdp_md *ctx)
{
	__u8 buf[8] = {0};
	__u8 mark[4] = {0xde, 0xad, 0xbe, 0xef};

	record(0, bpf_xdp_get_buff_len(ctx));                /* 64 */
	record(1, bpf_xdp_adjust_head(ctx, -217));           /* -EINVAL: into xdp_frame */
	record(2, bpf_xdp_adjust_head(ctx, -216));           /* 0 */
	record(3, bpf_xdp_adjust_head(ctx, 216));            /* 0 */
	record(4, bpf_xdp_adjust_head(ctx, 64 - 13));        /* -EINVAL: < ETH_HLEN left */
	record(5, bpf_xdp_adjust_head(ctx, 4));              /* 0: 60 bytes */
	record(6, bpf_xdp_adjust_meta(ctx, -6));             /* -EACCES: not a multiple of 4 */
	record(7, bpf_xdp_adjust_meta(ctx, 4));              /* -EINVAL: beyond data */
	record(8, bpf_xdp_adjust_meta(ctx, -224));           /* -EINVAL: into xdp_frame */
	record(9, bpf_xdp_adjust_meta(ctx, -220));           /* 0: 220 bytes of metadata */
	record(10, bpf_xdp_adjust_head(ctx, -4));            /* -EINVAL: metadata in the way */
	record(11, bpf_xdp_adjust_meta(ctx, 220));           /* 0 */
	record(12, bpf_xdp_adjust_tail(ctx, -47));           /* -EINVAL: < ETH_HLEN */
	record(13, bpf_xdp_adjust_tail(ctx, 4096));          /* -EINVAL: past the hard end */
	record(14, bpf_xdp_adjust_tail(ctx, 3776 - 260 - 60)); /* 0: up to frame_sz - 320 */
	record(15, bpf_xdp_adjust_tail(ctx, 1));             /* -EINVAL */
	record(16, bpf_xdp_adjust_tail(ctx, -(3776 - 260 - 60) + 6)); /* 0: 66 bytes */
	record(17, bpf_xdp_get_buff_len(ctx));               /* 66 */
	record(18, bpf_xdp_load_bytes(ctx, 60, buf, 6));     /* 0 */
	record(19, buf[0] | buf[5]);                         /* 0: grown bytes are zeroed */
	record(20, bpf_xdp_load_bytes(ctx, 61, buf, 6));     /* -EINVAL */
	record(21, bpf_xdp_load_bytes(ctx, 0x10000, buf, 1)); /* -EFAULT */
	record(22, bpf_xdp_store_bytes(ctx, 0, mark, 4));    /* 0 */
	record(23, bpf_xdp_store_bytes(ctx, 63, mark, 4));   /* -EINVAL */
	record(24, bpf_xdp_load_bytes(ctx, 0, buf, 8));
	record(25, buf[0] << 24 | buf[1] << 16 | buf[2] << 8 | buf[3]);
	return XDP_PASS;
}
