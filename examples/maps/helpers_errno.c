// SPDX-License-Identifier: GPL-2.0
/*
 * helpers_errno: the error codes of helper calls with bad input that no other example makes
 * (issue 14 item 6), each as Linux 6.18 returns it under BPF_PROG_TEST_RUN:
 * bpf_probe_read_kernel(_str) refuses user, vsyscall and non-canonical addresses with -ERANGE
 * before copying (copy_from_kernel_nofault_allowed), even for a zero size, and zero-fills the
 * destination; bpf_fib_lookup checks plen, flags and the address family before any route
 * (-EINVAL, -EAFNOSUPPORT) and an unknown ifindex (-ENODEV); bpf_for_each_map_elem refuses
 * flags (-EINVAL); bpf_trace_printk an unknown conversion (-EINVAL);
 * bpf_map_lookup_percpu_elem a CPU past nr_cpu_ids (NULL); bpf_map_update_elem a flag value
 * above BPF_F_LOCK (-EINVAL).
 */
#include "results.h"

#define AF_INET 2

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} percpu SEC(".maps");

struct bpf_map;

static long visit(struct bpf_map *map, __u32 *key, __s64 *value, void *ctx)
{
	return 0;
}

SEC("xdp")
int helpers_errno(struct xdp_md *ctx)
{
	__u64 dst = 0x1111111111111111ULL, one = 1;
	char out[8] = "zzzzzzz";
	struct bpf_fib_lookup fib = {};
	__u32 zero = 0;

	record(0, bpf_probe_read_kernel(&dst, 8, (void *)0x8000000000000000ULL)); /* -ERANGE */
	record(1, dst);                                                           /* 0 */
	record(2, bpf_probe_read_kernel(&dst, 8, (void *)0x10000));              /* -ERANGE */
	record(3, bpf_probe_read_kernel(&dst, 8, (void *)0x7ffffffff000ULL));    /* -ERANGE */
	record(4, bpf_probe_read_kernel(&dst, 8, (void *)0xffffffffff600000ULL)); /* vsyscall */
	record(5, bpf_probe_read_kernel(&dst, 0, 0));                             /* -ERANGE */
	/* non-canonical whatever the CPU's address width (48 or 57 bits) and paging: 1 << 47, the
	 * first address above 4-level user space, is canonical on a CPU reporting 57 bits, where the
	 * kernel tries the copy and faults (-EFAULT) */
	record(6, bpf_probe_read_kernel(&dst, 8, (void *)0x0100000000000000ULL)); /* -ERANGE */
	record(7, bpf_probe_read_kernel_str(out, 8, (void *)0x8000000000000000ULL)); /* -ERANGE */
	record(8, out[0]);                                                        /* 0 */
	record(9, bpf_probe_read_kernel_str(out, 0, 0));                          /* 0 */

	fib.family = AF_INET;
	fib.ifindex = 1;
	record(10, bpf_fib_lookup(ctx, &fib, 8, 0));                  /* -EINVAL: plen */
	record(11, bpf_fib_lookup(ctx, &fib, sizeof(fib), 1 << 10));  /* -EINVAL: flags */
	fib.family = 99;
	record(12, bpf_fib_lookup(ctx, &fib, sizeof(fib), 0));        /* -EAFNOSUPPORT */
	fib.family = AF_INET;
	fib.ifindex = 0x7fffffff;
	record(13, bpf_fib_lookup(ctx, &fib, sizeof(fib), 0));        /* -ENODEV */

	record(14, bpf_for_each_map_elem(&results, visit, 0, 1));     /* -EINVAL */
	record(15, bpf_trace_printk("%z\n", 4));                      /* -EINVAL */
	record(16, bpf_map_lookup_percpu_elem(&percpu, &zero, 4096) != 0); /* 0: NULL */
	record(17, bpf_map_update_elem(&percpu, &zero, &one, 8));     /* -EINVAL */
	record(18, bpf_map_update_elem(&percpu, &zero, &one, BPF_F_LOCK)); /* -EINVAL */
	return XDP_PASS;
}
