// Legacy map definitions in the "maps" section in iproute2's layout (struct bpf_elf_map, 7 x u32:
// type, size_key, size_value, max_elem, flags, id, pinning).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_elf_map {
  __u32 type;
  __u32 size_key;
  __u32 size_value;
  __u32 max_elem;
  __u32 flags;
  __u32 id;
  __u32 pinning;
};

struct bpf_elf_map SEC("maps") acl = {
    .type = BPF_MAP_TYPE_HASH,
    .size_key = 4,
    .size_value = 8,
    .max_elem = 32,
    .pinning = 2,
};

SEC("prog")
int acl_prog(struct xdp_md *ctx) {
  __u32 key = 1;
  return bpf_map_lookup_elem(&acl, &key) ? XDP_DROP : XDP_PASS;
}

char __license[] SEC("license") = "GPL";
