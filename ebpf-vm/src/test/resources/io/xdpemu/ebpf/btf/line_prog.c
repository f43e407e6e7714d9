/* Line-info fixture that the kernel accepts (no CO-RE): an XDP program with a subprogram, for
 * comparing line comments and function signatures with `bpftool prog dump xlated ... linum`. */
typedef unsigned int __u32;

struct xdp_md {
  __u32 data;
  __u32 data_end;
  __u32 data_meta;
  __u32 ingress_ifindex;
  __u32 rx_queue_index;
  __u32 egress_ifindex;
};

static __attribute__((noinline)) int pick(__u32 queue, int fallback)
{
	if (queue > 3)
		return fallback + (int)(queue & 1);
	return (int)queue ^ 2;
}

__attribute__((section("xdp"), used)) int xdp_lines(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;

	if (len < 14)
		return 1;
	return pick(ctx->rx_queue_index, (int)len & 3);
}

char _license[] __attribute__((section("license"), used)) = "GPL";
