// Compiled and loaded by KernelDisassemblyTest (clang -O2 -g -target bpf -mcpu=v3): a program
// with many instruction forms, so that `bpftool prog dump xlated ... opcodes` gives the kernel's
// text for each encoding and the test can compare ours against it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u64);
} counts SEC(".maps");

static volatile const __u32 limit = 100;

__attribute__((noinline)) static int scale(int x) { return x * 3 + 1; }

SEC("xdp")
int disasm_forms(struct xdp_md *ctx) {
  unsigned char *p = (void *)(long)ctx->data;
  unsigned char *end = (void *)(long)ctx->data_end;
  if (p + 20 > end)
    return XDP_DROP;
  __u32 k = p[12] & 3;
  __u64 *v = bpf_map_lookup_elem(&counts, &k);
  if (!v)
    return XDP_ABORTED;
  __u32 *v32 = (__u32 *)v;
  __sync_fetch_and_add(v, 1);
  __u64 old = __sync_fetch_and_add(v, 2);
  __sync_fetch_and_or(v, 4);
  __sync_fetch_and_xor(v32, 8);
  __u32 o32 = __sync_fetch_and_and(v32, 0xff);
  __u64 x = __sync_lock_test_and_set(v, old + 1);
  __u64 c = __sync_val_compare_and_swap(v, x, 7);
  __u32 c32 = __sync_val_compare_and_swap(v32 + 1, o32, 9);
  if (old > limit)
    return XDP_PASS;
  __u32 w = *(__u32 *)(p + 14);
  w = __builtin_bswap32(w);
  __u16 h = __builtin_bswap16(*(__u16 *)(p + 12));
  __u64 d = *(__u64 *)(p + 4);
  int s = (int)(w ^ h) >> 3;
  unsigned q = (unsigned)(d >> 40) / ((unsigned)p[3] | 1) % 7;
  if ((int)w < -5 || (__s64)d > 1000)
    q += 2;
  if ((w & 0x10) && q <= 3)
    s -= (int)c32;
  long r = scale(s + (int)q + (int)k) + (long)(c << 2);
  return r > 5 ? XDP_TX : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
