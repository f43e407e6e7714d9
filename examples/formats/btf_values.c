// SPDX-License-Identifier: GPL-2.0
/* Maps whose key and value types cover what bpftool's btf_dumper prints by field name: nested
 * structs, unions, arrays, char strings, enums, signed and unsigned widths, bitfields, pointers,
 * per-CPU values and global data. The program only touches them so that they are kept; the test
 * FormattedMapsVsBpftoolTest writes the same bytes into the kernel's maps and into xdpemu's and
 * compares `bpftool -j map dump` "formatted" with maps.json's. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum color { RED = 1, GREEN = 2, BLUE = 0x80000000u };
enum small { TINY = -1, SMALLEST = 7 } __attribute__((packed));

struct flow_key {
	__u32 addr;
	__u16 port;
	__u8 proto;
	char tag[5];
};

struct flow_stats {
	__u64 packets;
	__s32 delta;
	__s16 tiny;
	__s8 signed_byte;
	enum small size_class;
	enum color color;
	unsigned int flag : 1, level : 3, code : 12;
	int negative : 5;
	union {
		__u32 as_u32;
		__u8 bytes[4];
	} either;
	struct {
		__u16 lo, hi;
	} range[2];
	char name[8];
	struct flow_key *next;
	__u64 big;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct flow_stats);
} per_cpu SEC(".maps");

struct flow_stats last_stats;
__u32 seen_count = 7;
char greeting[6] = "hello";

SEC("xdp")
int btf_values(struct xdp_md *ctx)
{
	struct flow_key k = {};
	__u32 zero = 0;
	struct flow_stats *s = bpf_map_lookup_elem(&flows, &k);

	if (s)
		last_stats = *s;
	s = bpf_map_lookup_elem(&per_cpu, &zero);
	if (s)
		seen_count += s->flag + greeting[0];
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
