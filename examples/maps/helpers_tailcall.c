// SPDX-License-Identifier: GPL-2.0
/*
 * helpers_tailcall: bpf_tail_call's limit (MAX_TAIL_CALL_CNT = 33). The program tail-calls itself
 * through slot 0 of `jmp` (filled by libbpf from the map's initial values) and counts its runs in
 * results[0]: 1 + 33 tail calls = 34 runs, then the call falls through. results[1] counts the
 * fall-throughs (1), results[2] is a tail call to an empty slot (falls through too).
 */
#include "results.h"

int helpers_tailcall(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, int(struct xdp_md *));
} jmp SEC(".maps") = {
	.values = { [0] = (void *)&helpers_tailcall },
};

SEC("xdp")
int helpers_tailcall(struct xdp_md *ctx)
{
	__u32 k = 0;
	__s64 *runs = bpf_map_lookup_elem(&results, &k);

	if (!runs)
		return XDP_ABORTED;
	*runs += 1;
	bpf_tail_call(ctx, &jmp, 0);
	k = 1;
	__s64 *falls = bpf_map_lookup_elem(&results, &k);
	if (falls)
		*falls += 1;
	bpf_tail_call(ctx, &jmp, 1);
	k = 2;
	__s64 *empty = bpf_map_lookup_elem(&results, &k);
	if (empty)
		*empty += 1;
	return XDP_PASS;
}
