/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the examples in this directory: `results` is an array of __s64 where a program
 * stores, in order, the return value of every call it wants to compare with the kernel.
 */
#ifndef XDPEMU_RESULTS_H
#define XDPEMU_RESULTS_H
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __s64);
} results SEC(".maps");

static __always_inline void record(__u32 slot, __s64 value)
{
	bpf_map_update_elem(&results, &slot, &value, BPF_ANY);
}

char LICENSE[] SEC("license") = "GPL";
#endif
