// SPDX-License-Identifier: GPL-2.0
/*
 * helpers_misc: probe reads of NULL (-ERANGE, destination zeroed; XDP may not call the legacy
 * bpf_probe_read), bpf_probe_read_kernel_str from program memory, bpf_trace_printk's
 * return value, ring buffer reserve/submit/output/query (two records per run), spin locks and
 * BPF_F_LOCK, bpf_check_mtu on the ingress device (lo under test_run).
 */
#include "results.h"

struct locked {
	struct bpf_spin_lock lock;
	__u32 count;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct locked);
} guarded SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int helpers_misc(struct xdp_md *ctx)
{
	__u64 dst = 0x1111111111111111ULL;
	char str[8] = "abc";
	char out[8];
	__u32 zero = 0;
	__u32 mtu = 0;

	record(0, bpf_probe_read_kernel(&dst, 8, 0));        /* -ERANGE */
	record(1, dst);                                       /* 0 */
	dst = 1;
	record(2, bpf_probe_read_kernel(&dst, 8, &str));     /* 0: program memory is kernel memory */
	record(3, bpf_probe_read_kernel_str(out, 8, 0));     /* -ERANGE */
	record(4, bpf_probe_read_kernel_str(out, 8, str));   /* 4 */
	record(5, bpf_probe_read_kernel_str(out, 2, str));   /* 2 */
	record(6, out[0] << 8 | out[1]);                     /* 'a' << 8 */
	record(7, bpf_trace_printk("x=%d\n", 6, 42));        /* 5 */

	__u64 *slot = bpf_ringbuf_reserve(&events, 16, 0);
	record(8, slot != 0);
	if (slot) {
		*slot = 0xabcdef;
		bpf_ringbuf_submit(slot, 0);
	}
	slot = bpf_ringbuf_reserve(&events, 16, 1);           /* NULL: flags must be 0 */
	record(9, slot != 0);
	if (slot)
		bpf_ringbuf_discard(slot, 0);
	record(10, bpf_ringbuf_output(&events, &dst, 8, 0));   /* 0 */
	record(11, bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA)); /* 24 + 16 */
	record(12, bpf_ringbuf_query(&events, BPF_RB_RING_SIZE));  /* 4096 */
	record(13, bpf_ringbuf_output(&events, &dst, 8, 4));   /* -EINVAL */
	slot = bpf_ringbuf_reserve(&events, 5000, 0);          /* NULL: larger than the ring */
	record(14, slot != 0);
	if (slot)
		bpf_ringbuf_discard(slot, 0);

	struct locked *l = bpf_map_lookup_elem(&guarded, &zero);
	if (l) {
		bpf_spin_lock(&l->lock);
		l->count += 3;
		bpf_spin_unlock(&l->lock);
		record(15, l->count);                             /* 3 */
	}
	/* results[16..19]: perf_event_output lives in helpers_perf.c */
	record(20, bpf_ringbuf_query(&events, 7));                     /* 0 */
	record(21, bpf_check_mtu(ctx, 0, &mtu, 0, 0));         /* 0 */
	record(22, mtu);                                       /* lo: 65536 */
	record(23, bpf_check_mtu(ctx, 0, &mtu, 0, 1));         /* -EINVAL */
	mtu = 65536;
	record(24, bpf_check_mtu(ctx, 0, &mtu, 1, 0));         /* 1: FRAG_NEEDED */
	record(25, bpf_check_mtu(ctx, 0x7fffffff, &mtu, 0, 0)); /* -ENODEV */
	record(26, bpf_get_smp_processor_id() < 512);          /* 1 */
	struct locked nv = {.count = 40};
	record(27, bpf_map_update_elem(&guarded, &zero, &nv, BPF_F_LOCK));  /* 0 */
	record(28, bpf_map_update_elem(&guarded, &zero, &nv, BPF_F_LOCK | BPF_NOEXIST)); /* -EEXIST */
	l = bpf_map_lookup_elem(&guarded, &zero);
	record(29, l ? l->count : -1);                          /* 40 */
	record(30, bpf_map_update_elem(&results, &zero, &dst, BPF_F_LOCK)); /* -EINVAL: no lock */
	return XDP_PASS;
}
