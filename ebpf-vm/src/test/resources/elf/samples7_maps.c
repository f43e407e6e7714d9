// samples/bpf's bpf_load.h layout of struct bpf_map_def: 7 x u32 (inner_map_idx, numa_node), the
// same size as iproute2's struct bpf_elf_map; the loader tells them apart by the BTF member names.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def_samples {
  unsigned int type;
  unsigned int key_size;
  unsigned int value_size;
  unsigned int max_entries;
  unsigned int map_flags;
  unsigned int inner_map_idx;
  unsigned int numa_node;
};

struct bpf_map_def_samples counters SEC("maps") = {
    .type = BPF_MAP_TYPE_ARRAY,
    .key_size = 4,
    .value_size = 8,
    .max_entries = 16,
    .numa_node = 0,
};

SEC("xdp")
int count(struct xdp_md *ctx) {
  __u32 key = 0;
  __u64 *v = bpf_map_lookup_elem(&counters, &key);
  if (v)
    *v += 1;
  return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
