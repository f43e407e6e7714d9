// SPDX-License-Identifier: GPL-2.0
/* One XDP program for every mynic firmware (examples/firmware/mynic-{v1,v2,kernel}.json).
 *
 * On a firmware that prepends metadata (v1, v2) it reads the RSS hash and the RX timestamp from
 * struct mynic_metadata at data_meta with CO-RE, wherever that firmware put them and whatever
 * their width (v1: __u64 hash @8, v2: __u32 hash @0). On the kernel-mode firmware, whose BTF has no
 * struct mynic_metadata, bpf_core_type_exists() is 0, the metadata branch is dead code for the
 * verifier, and the program asks the NIC through the XDP metadata kfuncs instead
 * (Documentation/networking/xdp-rx-metadata.rst). All three firmwares hash with the same RSS
 * configuration, so a replay of one capture gives the same hash_sum on each.
 *
 * Build: make -C examples/firmware (clang -O2 -g -target bpf).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* include/net/xdp.h; only the type name matters for the kfunc prototype. */
enum xdp_rss_hash_type {
	XDP_RSS_TYPE_NONE = 0,
};

extern int bpf_xdp_metadata_rx_timestamp(const struct xdp_md *ctx, __u64 *timestamp) __ksym;
extern int bpf_xdp_metadata_rx_hash(const struct xdp_md *ctx, __u32 *hash,
				    enum xdp_rss_hash_type *rss_type) __ksym;

/* The program's view: only the fields it reads, matched by name at load time. */
struct mynic_metadata {
	__u64 timestamp;
	__u64 hash;
} __attribute__((preserve_access_index));

struct hints_result {
	__u64 packets;
	__u64 from_meta;   /* hints read from data_meta */
	__u64 from_kfunc;  /* hints from bpf_xdp_metadata_rx_* */
	__u64 no_hints;    /* neither */
	__u64 hash_sum;    /* sum of the RSS hashes seen: order-independent across RX queues */
	__u64 ts_sum;      /* sum of the RX timestamps */
	__u64 meta_size;   /* bpf_core_type_size(struct mynic_metadata), 0 without it */
};

struct hints_result result;

SEC("xdp")
int xdp_hints(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *meta = (void *)(long)ctx->data_meta;
	__u64 ts = 0;
	__u32 hash = 0;
	enum xdp_rss_hash_type type = XDP_RSS_TYPE_NONE;

	__sync_fetch_and_add(&result.packets, 1);
	if (bpf_core_type_exists(struct mynic_metadata)) {
		struct mynic_metadata *m = meta;

		result.meta_size = bpf_core_type_size(struct mynic_metadata);
		if (meta + bpf_core_type_size(struct mynic_metadata) <= data) {
			ts = m->timestamp;
			hash = m->hash;
			__sync_fetch_and_add(&result.from_meta, 1);
			goto out;
		}
	}
	if (bpf_xdp_metadata_rx_timestamp(ctx, &ts) == 0 &&
	    bpf_xdp_metadata_rx_hash(ctx, &hash, &type) == 0)
		__sync_fetch_and_add(&result.from_kfunc, 1);
	else
		__sync_fetch_and_add(&result.no_hints, 1);
out:
	__sync_fetch_and_add(&result.hash_sum, hash);
	__sync_fetch_and_add(&result.ts_sum, ts);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
