// Calls to kernel functions declared as extern __ksym (call with src 2; the loader keeps the name).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum xdp_rss_hash_type { XDP_RSS_TYPE_NONE = 0 }; /* kernel's enum, members irrelevant */

extern int bpf_xdp_metadata_rx_timestamp(const struct xdp_md *ctx, __u64 *timestamp) __ksym;
extern int bpf_xdp_metadata_rx_hash(const struct xdp_md *ctx, __u32 *hash,
                                    enum xdp_rss_hash_type *rss_type) __ksym;

SEC("xdp")
int read_hints(struct xdp_md *ctx) {
  __u64 ts = 0;
  __u32 hash = 0;
  enum xdp_rss_hash_type type = 0;
  if (bpf_xdp_metadata_rx_timestamp(ctx, &ts))
    return XDP_PASS;
  if (bpf_xdp_metadata_rx_hash(ctx, &hash, &type))
    return XDP_PASS;
  return ts + hash > 0 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
