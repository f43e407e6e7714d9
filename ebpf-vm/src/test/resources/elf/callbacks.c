// Callbacks and nested subprograms: bpf_loop with a static callback (ld_imm64 of a function
// address, BPF_PSEUDO_FUNC), a callback calling another static function, and a global function
// calling a static one - all appended once per program in libbpf's order.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct loop_ctx {
  __u32 sum;
};

static __attribute__((noinline)) __u32 square(__u32 x) {
  return x * x;
}

static int add_square(__u32 index, void *data) {
  struct loop_ctx *c = data;
  c->sum += square(index);
  return 0;
}

__attribute__((noinline)) int twice_square(int x) {
  return 2 * square(x);
}

SEC("xdp")
int loop_prog(struct xdp_md *ctx) {
  struct loop_ctx c = {0};
  bpf_loop(4, add_square, &c, 0);
  return c.sum == 14 ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int nested_prog(struct xdp_md *ctx) {
  return twice_square(ctx->rx_queue_index) + square(3) > 9 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
