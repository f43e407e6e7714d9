// Several programs per section, non-standard section names, static and global subprograms,
// global data in .data/.rodata/.bss/.data.custom/.rodata.custom, and the license.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

volatile int counter = 7;                          // .data
const volatile int limit = 100;                    // .rodata
int zeroed;                                        // .bss
int custom_data SEC(".data.custom") = 0x11223344;  // .data.custom
const char greeting[] SEC(".rodata.custom") = "hi";

static __attribute__((noinline)) int add_twice(int x) {
  return x + x + counter;
}

__attribute__((noinline)) int global_helper(int x) {
  zeroed += x;
  return x * 3 + limit;
}

SEC("xdp")
int first_prog(struct xdp_md *ctx) {
  return add_twice(ctx->rx_queue_index) > 0 ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int second_prog(struct xdp_md *ctx) {
  return global_helper(ctx->ingress_ifindex) + add_twice(1) > 5 ? XDP_PASS : XDP_DROP;
}

SEC("xdp.frags")
int frags_prog(struct xdp_md *ctx) {
  return custom_data == 0x11223344 && greeting[0] == 'h' ? XDP_PASS : XDP_ABORTED;
}

SEC("xdp/devmap")
int devmap_prog(struct xdp_md *ctx) {
  return XDP_PASS;
}

SEC("my_custom_section")
int custom_prog(struct xdp_md *ctx) {
  return global_helper(2) > 0 ? XDP_TX : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
