// SPDX-License-Identifier: GPL-2.0
/* The kernel-side oracle for CO-RE tests: loads one program of a BPF object with libbpf
 * (btf_custom_path = the target BTF), then prints what libbpf made of it.
 *
 *   core_oracle OBJ PROG TARGET_BTF|- [xdp [run META_HEX PACKET_HEX] | reloc]
 *
 * stdout: "load <err>" then one line per slot "<pc> <code> <dst> <src> <off> <imm>" (decimal) of
 * bpf_program__insns() - the instructions after CO-RE and all other libbpf relocations, as handed
 * to the kernel. stderr: libbpf's warnings (and its debug log when CORE_ORACLE_DEBUG is set), which
 * include the verifier log and "failed to resolve CO-RE relocation ..." on a rejected load.
 * With "run", a loaded XDP program is run once with BPF_PROG_TEST_RUN (data_in = metadata then
 * packet, ctx_in = struct xdp_md {data = metadata length, data_end = total}), printing
 * "retval <r>", "data_out <hex>" and "bss <hex>" (the .bss map's value afterwards). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && !getenv("CORE_ORACLE_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, args);
}

static size_t unhex(const char *hex, unsigned char *out, size_t cap)
{
	size_t n = 0;
	while (hex[0] && hex[1] && n < cap) {
		unsigned int b;
		sscanf(hex, "%2x", &b);
		out[n++] = b;
		hex += 2;
	}
	return n;
}

static void print_hex(const char *label, const unsigned char *p, size_t n)
{
	printf("%s ", label);
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
	printf("\n");
}

static void run(struct bpf_object *obj, struct bpf_program *prog, const char *meta_hex,
		const char *pkt_hex)
{
	unsigned char in[4096], out[4096], bss[4096];
	size_t meta = unhex(meta_hex, in, sizeof(in));
	size_t pkt = unhex(pkt_hex, in + meta, sizeof(in) - meta);
	struct xdp_md ctx_in = { .data = meta, .data_end = meta + pkt };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_size_in = meta + pkt,
		    .data_out = out, .data_size_out = sizeof(out), .ctx_in = &ctx_in,
		    .ctx_size_in = sizeof(ctx_in), .repeat = 1);
	int err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	struct bpf_map *m = bpf_object__find_map_by_name(obj, ".bss");
	__u32 key = 0;

	printf("run %d\nretval %u\n", err, opts.retval);
	print_hex("data_out", out, opts.data_size_out);
	if (m && bpf_map__value_size(m) <= sizeof(bss) &&
	    !bpf_map__lookup_elem(m, &key, sizeof(key), bss, bpf_map__value_size(m), 0))
		print_hex("bss", bss, bpf_map__value_size(m));
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog, *want = NULL;
	const struct bpf_insn *insns;
	size_t i, cnt;
	int err;

	if (argc < 4) {
		fprintf(stderr, "usage: %s OBJ PROG TARGET_BTF|- [xdp]\n", argv[0]);
		return 2;
	}
	libbpf_set_print(print_fn);
	LIBBPF_OPTS(bpf_object_open_opts, opts,
		    .btf_custom_path = strcmp(argv[3], "-") ? argv[3] : NULL);
	obj = bpf_object__open_file(argv[1], &opts);
	if (!obj) {
		fprintf(stderr, "open %s failed\n", argv[1]);
		return 2;
	}
	bpf_object__for_each_program(prog, obj) {
		if (!strcmp(bpf_program__name(prog), argv[2]))
			want = prog;
		else
			bpf_program__set_autoload(prog, false);
	}
	if (!want) {
		fprintf(stderr, "no program %s\n", argv[2]);
		return 2;
	}
	if (argc > 4 && !strcmp(argv[4], "xdp"))
		bpf_program__set_type(want, BPF_PROG_TYPE_XDP);
	/* "reloc": only libbpf's relocations matter; an invalid program type makes the kernel refuse
	 * the load at once instead of verifying (a 1M-instruction rejection takes seconds) */
	if (argc > 4 && !strcmp(argv[4], "reloc"))
		bpf_program__set_type(want, BPF_PROG_TYPE_UNSPEC);
	err = bpf_object__load(obj);
	printf("load %d\n", err);
	insns = bpf_program__insns(want);
	cnt = bpf_program__insn_cnt(want);
	for (i = 0; insns && i < cnt; i++)
		printf("%zu %u %u %u %d %d\n", i, insns[i].code, insns[i].dst_reg, insns[i].src_reg,
		       insns[i].off, insns[i].imm);
	if (!err && argc > 7 && !strcmp(argv[5], "run"))
		run(obj, want, argv[6], argv[7]);
	bpf_object__close(obj);
	return 0;
}
