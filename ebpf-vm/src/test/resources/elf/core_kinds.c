// CO-RE fixture: one relocation of (nearly) every kind against core_target.o's BTF. The data sits
// in .bss so that the kernel can load the programs (the libbpf oracle compares with xdpemu).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct inner {
  int x;
  int y;
};

struct sample {
  int a;
  short narrow;            /* target: int -> signed width change, poisons */
  unsigned int widen;      /* target: unsigned long long -> u32 load becomes u64 */
  struct {
    int d;                 /* target: direct member, not in an anonymous struct */
  };
  int arr[4];              /* target: int arr[8], moved */
  unsigned int bf1 : 3;    /* target: moved and resized bitfields */
  unsigned int bf2 : 5;
  int sbf : 4;
  struct inner in;
  char gone;               /* target: absent */
} __attribute__((preserve_access_index));

struct sample___flavor {   /* same essential name "sample" */
  int a;
} __attribute__((preserve_access_index));

struct amb {               /* target: amb___one and amb___two disagree on x */
  int x;
} __attribute__((preserve_access_index));

enum color { RED = 1, GREEN = 2, PURPLE = 9 };  /* target: GREEN=20, no PURPLE */
enum big64 { BIG = 0x100000000ULL };           /* target: BIG = 0x200000000 */
typedef int local_only_t;

struct sample in_data;
struct out_t {
  long long v[32];
} out;

SEC("xdp")
int kinds(struct xdp_md *ctx)
{
  struct sample *s = &in_data;
  struct sample___flavor *f = (void *)&in_data;

  out.v[0] = s->a;
  out.v[1] = s->widen;
  out.v[2] = s->d;
  out.v[3] = s->arr[2];
  out.v[4] = bpf_core_field_size(s->arr);
  out.v[5] = bpf_core_field_size(s->arr[1]);
  out.v[6] = BPF_CORE_READ_BITFIELD(s, bf1);
  out.v[7] = BPF_CORE_READ_BITFIELD(s, bf2);
  out.v[8] = BPF_CORE_READ_BITFIELD(s, sbf);
  out.v[9] = bpf_core_field_exists(s->gone);
  if (bpf_core_field_exists(s->gone))
    out.v[10] = s->gone;
  out.v[11] = s->in.y;
  out.v[12] = f->a;
  out.v[13] = bpf_core_type_exists(struct sample);
  out.v[14] = bpf_core_type_size(struct sample);
  out.v[15] = bpf_core_type_id_local(struct sample);
  out.v[16] = bpf_core_type_id_kernel(struct sample);
  out.v[17] = bpf_core_type_exists(local_only_t);
  out.v[18] = bpf_core_enum_value_exists(enum color, GREEN);
  out.v[19] = bpf_core_enum_value(enum color, GREEN);
  out.v[20] = bpf_core_enum_value_exists(enum color, PURPLE);
  out.v[21] = bpf_core_enum_value(enum big64, BIG);
  out.v[22] = bpf_core_field_offset(s->in.y);
  out.v[23] = __builtin_preserve_field_info(s->sbf, BPF_FIELD_SIGNED);
  out.v[24] = __builtin_preserve_field_info(s->bf1, BPF_FIELD_SIGNED);
  return XDP_PASS;
}

SEC("xdp")
int narrowing(struct xdp_md *ctx)
{
  out.v[0] = in_data.narrow; /* signed short -> int: "accesses field incorrectly", poisoned */
  return XDP_PASS;
}

SEC("xdp")
int ambiguous(struct xdp_md *ctx)
{
  struct amb *a = (void *)&in_data;
  out.v[0] = a->x;
  return XDP_PASS;
}

SEC("xdp")
int unguarded_enum(struct xdp_md *ctx)
{
  out.v[0] = bpf_core_enum_value(enum color, PURPLE); /* ld_imm64 poisoned on both slots */
  return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
