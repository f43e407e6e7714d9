// SPDX-License-Identifier: GPL-2.0
/* A cpumap program reading egress_ifindex: the kernel refuses it (only BPF_XDP_DEVMAP programs
 * may), "invalid bpf_context access off=20 size=4". */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp/cpumap")
int cpumap_reads_egress(struct xdp_md *ctx)
{
	return ctx->egress_ifindex ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
