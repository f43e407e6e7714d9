// SPDX-License-Identifier: GPL-2.0
/*
 * helpers_perf: bpf_perf_event_output's checks (bpf_xdp_event_output, __bpf_perf_event_output):
 * no perf event is open under BPF_PROG_TEST_RUN, so a valid index is -ENOENT; an index past
 * max_entries -E2BIG; flag bits outside index and ctx length -EINVAL; more packet bytes than the
 * frame has -EFAULT (checked before the slot).
 */
#include "results.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} perf SEC(".maps");

SEC("xdp")
int helpers_perf(struct xdp_md *ctx)
{
	__u64 dst = 0x1111111111111111ULL;

	record(0, bpf_perf_event_output(ctx, &perf, BPF_F_CURRENT_CPU, &dst, 8)); /* -ENOENT */
	record(1, bpf_perf_event_output(ctx, &perf, 5, &dst, 8));                 /* -E2BIG */
	record(2, bpf_perf_event_output(ctx, &perf, 1ULL << 60, &dst, 8));        /* -EINVAL */
	record(3, bpf_perf_event_output(ctx, &perf, (100ULL << 32) | BPF_F_CURRENT_CPU, &dst, 8));
	return XDP_PASS;                                                            /* ^ -EFAULT */
}
