// BTF-defined maps in .maps: plain maps, key/value given by type or by size, flags, pinning,
// a program array with initial slots and an array of maps with an inner map template.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct flow_key {
  __u32 saddr;
  __u32 daddr;
  __u16 sport;
  __u16 dport;
};

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1024);
  __type(key, struct flow_key);
  __type(value, __u64);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} flows SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 4);
  __uint(key_size, sizeof(__u32));
  __uint(value_size, 16);
} stats SEC(".maps");

struct inner_map {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 8);
  __type(key, __u32);
  __type(value, __u32);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
  __uint(max_entries, 4);
  __type(key, __u32);
  __array(values, struct inner_map);
} outer SEC(".maps") = {
    .values = {[0] = &inner_a, [2] = &inner_b},
};

int tail_target(struct xdp_md *ctx);

struct {
  __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
  __uint(max_entries, 3);
  __type(key, __u32);
  __array(values, int(struct xdp_md *));
} jumps SEC(".maps") = {
    .values = {[1] = (void *)&tail_target},
};

SEC("xdp")
int tail_target(struct xdp_md *ctx) {
  return XDP_DROP;
}

SEC("xdp")
int use_maps(struct xdp_md *ctx) {
  struct flow_key k = {.saddr = 1, .daddr = 2, .sport = 3, .dport = 4};
  __u64 one = 1, *v;
  __u32 zero = 0;
  void *inner;
  v = bpf_map_lookup_elem(&flows, &k);
  if (!v)
    bpf_map_update_elem(&flows, &k, &one, BPF_ANY);
  v = bpf_map_lookup_elem(&stats, &zero);
  if (v)
    __sync_fetch_and_add(v, 1);
  inner = bpf_map_lookup_elem(&outer, &zero);
  if (inner && bpf_map_lookup_elem(inner, &zero))
    return XDP_PASS;
  bpf_tail_call(ctx, &jumps, 1);
  return XDP_ABORTED;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
