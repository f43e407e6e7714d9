/* NIC metadata layout, firmware 1 (the seed thread's layout, reference btf-core.md §6).
 * Built with `clang -g -O0 -c` and converted to BTF by pahole in the tests. */
typedef unsigned int __u32;
typedef unsigned short __u16;
typedef unsigned long long __u64;

enum mynic_ptype { MYNIC_PTYPE_UNKNOWN = 0, MYNIC_PTYPE_IPV4_TCP = 1, MYNIC_PTYPE_IPV4_UDP = 2,
                   MYNIC_PTYPE_IPV6_TCP = 3 };

struct mynic_rx_descriptor {
  __u64 len;
  __u64 head;
  __u64 tail;
  __u64 foobar;
};

struct mynic_metadata {
  __u64 timestamp;
  __u64 hash;
  __u64 pkt_type;
  struct mynic_rx_descriptor *ptr_to_rx;
  union {
    struct { __u32 saddr, daddr; } ipv4;
    struct { __u16 tci, proto; } vlan;
  } u;
  unsigned int csum_level : 2;
  unsigned int csum_type : 3;
  signed int mark : 11;
  enum mynic_ptype ptype : 8;
};

struct mynic_metadata anchor_md;
struct mynic_rx_descriptor anchor_rx;
enum mynic_ptype anchor_ptype;
