// SPDX-License-Identifier: GPL-2.0
/* The kernel-side oracle for CO-RE tests: loads one program of a BPF object with libbpf
 * (btf_custom_path = the target BTF), then prints what libbpf made of it.
 *
 *   core_oracle OBJ PROG TARGET_BTF|- [xdp]
 *
 * stdout: "load <err>" then one line per slot "<pc> <code> <dst> <src> <off> <imm>" (decimal) of
 * bpf_program__insns() - the instructions after CO-RE and all other libbpf relocations, as handed
 * to the kernel. stderr: libbpf's warnings (and its debug log when CORE_ORACLE_DEBUG is set), which
 * include the verifier log and "failed to resolve CO-RE relocation ..." on a rejected load. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && !getenv("CORE_ORACLE_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, args);
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
	err = bpf_object__load(obj);
	printf("load %d\n", err);
	insns = bpf_program__insns(want);
	cnt = bpf_program__insn_cnt(want);
	for (i = 0; insns && i < cnt; i++)
		printf("%zu %u %u %u %d %d\n", i, insns[i].code, insns[i].dst_reg, insns[i].src_reg,
		       insns[i].off, insns[i].imm);
	bpf_object__close(obj);
	return 0;
}
