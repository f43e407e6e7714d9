// Legacy map definitions in the "maps" section, as the kernel's samples/bpf declared them
// (struct bpf_map_def, 5 x u32).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def_legacy {
  unsigned int type;
  unsigned int key_size;
  unsigned int value_size;
  unsigned int max_entries;
  unsigned int map_flags;
};

struct bpf_map_def_legacy rxcnt SEC("maps") = {
    .type = BPF_MAP_TYPE_PERCPU_ARRAY,
    .key_size = sizeof(__u32),
    .value_size = sizeof(long),
    .max_entries = 256,
};

struct bpf_map_def_legacy blocked SEC("maps") = {
    .type = BPF_MAP_TYPE_HASH,
    .key_size = sizeof(__u32),
    .value_size = sizeof(__u32),
    .max_entries = 64,
    .map_flags = 1,
};

SEC("xdp")
int count_rx(struct xdp_md *ctx) {
  __u32 key = ctx->rx_queue_index;
  long *value = bpf_map_lookup_elem(&rxcnt, &key);
  if (value)
    *value += 1;
  if (bpf_map_lookup_elem(&blocked, &key))
    return XDP_DROP;
  return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
