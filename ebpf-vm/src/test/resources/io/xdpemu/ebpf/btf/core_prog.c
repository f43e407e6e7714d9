/* .BTF.ext fixture: two programs in one section, a subprogram, CO-RE relocations of several
 * kinds. Rebuild: make -C ebpf-vm/src/test/resources/io/xdpemu/ebpf/btf (clang 14). */
typedef unsigned int __u32;
typedef unsigned long long __u64;

struct xdp_md {
  __u32 data;
  __u32 data_end;
  __u32 data_meta;
} __attribute__((preserve_access_index));

enum mynic_ptype { MYNIC_PTYPE_UNKNOWN = 0, MYNIC_PTYPE_IPV4_TCP = 1 };

struct mynic_metadata {
  __u64 pkt_type;
  __u64 hash;
  __u64 timestamp;
  __u32 flow_mark;
} __attribute__((preserve_access_index));

static __attribute__((noinline)) __u64 read_ts(struct mynic_metadata *m)
{
  return m->timestamp;
}

__attribute__((section("xdp"), used)) int xdp_first(struct xdp_md *ctx)
{
  struct mynic_metadata *m = (void *)(long)ctx->data_meta;
  if (__builtin_preserve_field_info(m->flow_mark, 2 /* FIELD_EXISTS */))
    return m->flow_mark + read_ts(m);
  return __builtin_preserve_type_info(*m, 1 /* TYPE_SIZE */);
}

__attribute__((section("xdp"), used)) int xdp_second(struct xdp_md *ctx)
{
  return __builtin_preserve_enum_value(*(enum mynic_ptype *)MYNIC_PTYPE_IPV4_TCP,
                                       1 /* ENUMVAL_VALUE */) + ctx->data;
}

char _license[] __attribute__((section("license"), used)) = "GPL";
