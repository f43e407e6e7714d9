// SPDX-License-Identifier: GPL-2.0
/* Programs run by devmap and cpumap entries: libbpf loads SEC("xdp/devmap") with
 * expected_attach_type BPF_XDP_DEVMAP, which alone may read xdp_md.egress_ifindex, and
 * SEC("xdp/cpumap") with BPF_XDP_CPUMAP. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp/devmap")
int devmap_egress(struct xdp_md *ctx)
{
	return ctx->egress_ifindex == ctx->ingress_ifindex ? XDP_DROP : XDP_PASS;
}

SEC("xdp.frags/devmap")
int devmap_egress_frags(struct xdp_md *ctx)
{
	return ctx->egress_ifindex == 1 ? XDP_DROP : XDP_PASS;
}

SEC("xdp/cpumap")
int cpumap_rx(struct xdp_md *ctx)
{
	return ctx->rx_queue_index == 0 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
