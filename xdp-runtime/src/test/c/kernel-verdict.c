// SPDX-License-Identifier: GPL-2.0
/*
 * kernel-verdict: what the running kernel's verifier says about one XDP program of an object.
 * Built and run by RealWorldKernelAgreementTest (gcc -O2 -Wall kernel-verdict.c -lbpf -lelf -lz).
 *
 * Usage: kernel-verdict OBJ.o PROG      PROG: a function name, else a section name
 * Prints three lines and exits 0:
 *     verdict ACCEPTED | REJECTED | LOADERR     (LOADERR: the loader gave up before BPF_PROG_LOAD)
 *     processed N                               (-1 when the kernel printed no statistics)
 *     msg TEXT                                  the kernel's last log line before its statistics,
 *                                               or the loader's last message for LOADERR
 *
 * Objects are loaded the way their projects load them: with libbpf (only PROG is loaded, as
 * BPF_PROG_TYPE_XDP, expected_attach_type from the section as libbpf derives it), and objects with
 * a legacy "maps" section - which libbpf >= 1.0 refuses - with the minimal loader below, which
 * follows iproute2's lib/bpf_legacy.c: struct bpf_map_def or struct bpf_elf_map definitions (map
 * in map: an outer map's inner_id names its template's id; an inner map with inner_idx is put at
 * that slot of each such outer map), the program is its function symbol's range or, without one,
 * its whole section, and .text is appended whole when the program calls into it. log_level 4
 * (BPF_LOG_STATS) as kernel-verdicts.tsv was taken. Nothing is pinned: every fd dies with us.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#define LOG_SIZE (16 * 1024 * 1024)
#define MAX_MAPS 64

static char *log_buf;
static char last_libbpf[512]; /* the loader's first warning */

static int capture_libbpf(enum libbpf_print_level level, const char *fmt, va_list args)
{
	char line[512];

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(line, sizeof(line), fmt, args);
	line[strcspn(line, "\n")] = '\0';
	/* the first warning says why; later ones are "failed to load object" */
	if (line[0] && !last_libbpf[0])
		snprintf(last_libbpf, sizeof(last_libbpf), "%s", line);
	return 0;
}

/* The last log line that is neither a statistics line nor the source line (line info) the kernel
 * prints after the error at log level 4. */
static void report(const char *verdict, const char *fallback)
{
	long processed = -1;
	char *p, *last = NULL, *save = NULL;

	if (getenv("KV_DEBUG"))
		fputs(log_buf, stderr);
	p = strstr(log_buf, "processed ");
	if (p)
		processed = strtol(p + 10, NULL, 10);
	for (p = strtok_r(log_buf, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		if (strncmp(p, "processed ", 10) == 0 || strncmp(p, "verification time", 17) == 0 ||
		    strncmp(p, "stack depth", 11) == 0 || strncmp(p, "; ", 2) == 0 || !p[0])
			continue;
		last = p;
	}
	printf("verdict %s\nprocessed %ld\nmsg %s\n", verdict, processed,
	       last ? last : (fallback ? fallback : ""));
}

static enum bpf_attach_type attach_of(const char *sec)
{
	if (!strcmp(sec, "xdp/devmap") || !strcmp(sec, "xdp.frags/devmap") ||
	    !strncmp(sec, "xdp_devmap/", 11))
		return BPF_XDP_DEVMAP;
	if (!strcmp(sec, "xdp/cpumap") || !strcmp(sec, "xdp.frags/cpumap") ||
	    !strncmp(sec, "xdp_cpumap/", 11))
		return BPF_XDP_CPUMAP;
	return BPF_XDP;
}

static int with_libbpf(const char *file, const char *name)
{
	struct bpf_object *obj = bpf_object__open_file(file, NULL);
	struct bpf_program *prog = NULL, *p;
	struct bpf_map *m;
	int err;

	if (!obj) {
		report("LOADERR", last_libbpf);
		return 0;
	}
	prog = bpf_object__find_program_by_name(obj, name);
	bpf_object__for_each_program(p, obj) {
		if (!prog && strcmp(bpf_program__section_name(p), name) == 0)
			prog = p;
	}
	if (!prog) {
		fprintf(stderr, "%s: no program '%s'\n", file, name);
		return 2;
	}
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, p == prog);
	bpf_object__for_each_map(m, obj) {
		/* never pin, never reuse a pin: the host stays as it was */
		bpf_map__set_pin_path(m, NULL);
		/* maps their loader sizes at run time (xdp-bench's per-CPU counters): one per CPU */
		if (bpf_map__max_entries(m) == 0)
			bpf_map__set_max_entries(m, libbpf_num_possible_cpus());
	}
	if (bpf_program__type(prog) != BPF_PROG_TYPE_XDP) {
		bpf_program__set_type(prog, BPF_PROG_TYPE_XDP);
		bpf_program__set_expected_attach_type(prog, BPF_XDP);
	}
	bpf_program__set_log_buf(prog, log_buf, LOG_SIZE);
	bpf_program__set_log_level(prog, 4);
	err = bpf_object__load(obj);
	if (!err)
		report("ACCEPTED", NULL);
	else if (log_buf[0])
		report("REJECTED", NULL);
	else
		report("LOADERR", last_libbpf);
	bpf_object__close(obj);
	return 0;
}

/* ---------------------------------------------------------------- the legacy loader */

struct legacy_map {
	const char *name;
	size_t off;
	__u32 def[9]; /* bpf_elf_map order; bpf_map_def uses the first 5 (+ inner_map_idx in [5]) */
	int fd;
};

static Elf *elf;
static size_t shstrndx;
static Elf_Data *symtab;
static int symtab_link, maps_idx = -1, text_idx = -1;
static struct legacy_map maps[MAX_MAPS];
static int nmaps, elf_maps;

static Elf_Scn *section(int idx, GElf_Shdr *sh)
{
	Elf_Scn *s = elf_getscn(elf, idx);

	gelf_getshdr(s, sh);
	return s;
}

static const char *sec_name(int idx)
{
	GElf_Shdr sh;

	section(idx, &sh);
	return elf_strptr(elf, shstrndx, sh.sh_name);
}

static int is_outer(__u32 type)
{
	return type == BPF_MAP_TYPE_ARRAY_OF_MAPS || type == BPF_MAP_TYPE_HASH_OF_MAPS;
}

static int create_map(struct legacy_map *m, int inner_fd)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = m->def[4], .inner_map_fd = inner_fd);

	m->fd = bpf_map_create(m->def[0], m->name, m->def[1], m->def[2], m->def[3], &o);
	if (m->fd < 0)
		snprintf(last_libbpf, sizeof(last_libbpf), "map '%s': create failed: %s", m->name,
			 strerror(errno));
	return m->fd;
}

static int legacy_maps(void)
{
	GElf_Shdr sh;
	Elf_Data *d = elf_getdata(section(maps_idx, &sh), NULL);
	size_t nsyms = symtab->d_size / sizeof(Elf64_Sym), defsz, i;
	int j, k;

	for (i = 0; i < nsyms && nmaps < MAX_MAPS; i++) {
		GElf_Sym s;

		gelf_getsym(symtab, i, &s);
		if (s.st_shndx != maps_idx || GELF_ST_BIND(s.st_info) == STB_LOCAL ||
		    GELF_ST_TYPE(s.st_info) == STT_SECTION)
			continue;
		maps[nmaps].name = elf_strptr(elf, symtab_link, s.st_name);
		maps[nmaps].off = s.st_value;
		nmaps++;
	}
	if (!nmaps)
		return 0;
	defsz = d->d_size / nmaps;
	elf_maps = defsz > 20;
	for (j = 0; j < nmaps; j++) {
		memset(maps[j].def, 0, sizeof(maps[j].def));
		memcpy(maps[j].def, (char *)d->d_buf + maps[j].off,
		       defsz < sizeof(maps[j].def) ? defsz : sizeof(maps[j].def));
		if (!elf_maps)
			maps[j].def[5] = 0;
		maps[j].fd = -1;
	}
	for (j = 0; j < nmaps; j++)
		if (!is_outer(maps[j].def[0]) && create_map(&maps[j], 0) < 0)
			return -1;
	for (j = 0; j < nmaps; j++) {
		int inner = -1;

		if (!is_outer(maps[j].def[0]))
			continue;
		for (k = 0; k < nmaps; k++)
			if (k != j && maps[k].def[5] && maps[k].def[5] == maps[j].def[7])
				inner = maps[k].fd;
		if (inner < 0) {
			snprintf(last_libbpf, sizeof(last_libbpf),
				 "map '%s': inner map with id %u not found", maps[j].name, maps[j].def[7]);
			return -1;
		}
		if (create_map(&maps[j], inner) < 0)
			return -1;
	}
	for (k = 0; k < nmaps; k++) {
		if (!maps[k].def[5] || maps[k].def[7] || maps[k].def[8] == (__u32)-1)
			continue;
		for (j = 0; j < nmaps; j++)
			if (is_outer(maps[j].def[0]) && maps[j].def[7] == maps[k].def[5] &&
			    bpf_map_update_elem(maps[j].fd, &maps[k].def[8], &maps[k].fd, BPF_ANY)) {
				snprintf(last_libbpf, sizeof(last_libbpf), "map '%s': slot %u: %s",
					 maps[j].name, maps[k].def[8], strerror(errno));
				return -1;
			}
	}
	return 0;
}

/* Applies section idx's relocations to insns (copied from section offset 'from', n slots, placed
 * at 'base'); calls into .text are pointed at text_base. */
static int relocate(int idx, struct bpf_insn *insns, size_t from, size_t n, size_t base,
		    size_t text_base, int *needs_text)
{
	Elf_Scn *s = NULL;

	while ((s = elf_nextscn(elf, s))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t i;

		gelf_getshdr(s, &sh);
		if (sh.sh_type != SHT_REL || (int)sh.sh_info != idx)
			continue;
		d = elf_getdata(s, NULL);
		for (i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Rel r;
			GElf_Sym sym;
			size_t slot;
			struct bpf_insn *in;
			int m;

			gelf_getrel(d, i, &r);
			gelf_getsym(symtab, GELF_R_SYM(r.r_info), &sym);
			slot = r.r_offset / 8;
			if (slot < from || slot >= from + n)
				continue;
			in = &insns[base + slot - from];
			if (in->code == (BPF_JMP | BPF_CALL)) {
				long target = sym.st_value / 8 + in->imm + 1;

				if (sym.st_shndx != text_idx)
					continue;
				*needs_text = 1;
				in->imm = (int)(text_base + target - (base + slot - from) - 1);
				continue;
			}
			if (in->code != (BPF_LD | BPF_IMM | BPF_DW) || sym.st_shndx != maps_idx)
				continue;
			for (m = 0; m < nmaps; m++) {
				size_t off = GELF_ST_TYPE(sym.st_info) == STT_SECTION ? (size_t)in->imm
										      : sym.st_value;
				if (maps[m].off == off) {
					in->src_reg = BPF_PSEUDO_MAP_FD;
					in->imm = maps[m].fd;
				}
			}
		}
	}
	return 0;
}

static int legacy(const char *file, const char *name)
{
	size_t nsyms = symtab->d_size / sizeof(Elf64_Sym), i, from = 0, n = 0, textn = 0;
	int prog_idx = -1, needs_text = 0, fd, nsec;
	struct bpf_insn *insns;
	GElf_Shdr sh;
	Elf_Data *code, *text = NULL;
	char license[128] = "";
	LIBBPF_OPTS(bpf_prog_load_opts, o);

	for (i = 0; i < nsyms; i++) {
		GElf_Sym s;

		gelf_getsym(symtab, i, &s);
		if (GELF_ST_TYPE(s.st_info) == STT_FUNC &&
		    strcmp(elf_strptr(elf, symtab_link, s.st_name), name) == 0) {
			prog_idx = s.st_shndx;
			from = s.st_value / 8;
			n = s.st_size / 8;
		}
	}
	elf_getshdrnum(elf, (size_t *)&nsec);
	for (i = 1; prog_idx < 0 && i < (size_t)nsec; i++)
		if (strcmp(sec_name(i), name) == 0)
			prog_idx = i;
	if (prog_idx < 0) {
		fprintf(stderr, "%s: no program '%s'\n", file, name);
		return 2;
	}
	code = elf_getdata(section(prog_idx, &sh), NULL);
	if (!n)
		n = sh.sh_size / 8;
	if (text_idx >= 0) {
		text = elf_getdata(section(text_idx, &sh), NULL);
		textn = sh.sh_size / 8;
	}
	for (i = 1; i < (size_t)nsec; i++) {
		if (strcmp(sec_name(i), "license") == 0) {
			Elf_Data *l = elf_getdata(section(i, &sh), NULL);

			snprintf(license, sizeof(license), "%.*s", (int)l->d_size, (char *)l->d_buf);
		}
	}
	if (legacy_maps()) {
		report("LOADERR", last_libbpf);
		return 0;
	}
	insns = calloc(n + textn, sizeof(*insns));
	memcpy(insns, (struct bpf_insn *)code->d_buf + from, n * sizeof(*insns));
	relocate(prog_idx, insns, from, n, 0, n, &needs_text);
	if (needs_text && text) {
		memcpy(insns + n, text->d_buf, textn * sizeof(*insns));
		relocate(text_idx, insns, 0, textn, n, n, &needs_text);
		n += textn;
	}
	o.log_buf = log_buf;
	o.log_size = LOG_SIZE;
	o.log_level = 4;
	o.expected_attach_type = attach_of(sec_name(prog_idx));
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "legacy", license, insns, n, &o);
	report(fd >= 0 ? "ACCEPTED" : "REJECTED", fd >= 0 ? NULL : strerror(errno));
	return 0;
}

int main(int argc, char **argv)
{
	Elf_Scn *s = NULL;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: %s OBJ.o PROG\n", argv[0]);
		return 2;
	}
	log_buf = calloc(1, LOG_SIZE);
	libbpf_set_print(capture_libbpf);
	elf_version(EV_CURRENT);
	fd = open(argv[1], O_RDONLY);
	elf = fd < 0 ? NULL : elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_getshdrstrndx(elf, &shstrndx)) {
		fprintf(stderr, "%s: not an ELF file\n", argv[1]);
		return 2;
	}
	while ((s = elf_nextscn(elf, s))) {
		GElf_Shdr sh;
		const char *n;

		gelf_getshdr(s, &sh);
		n = elf_strptr(elf, shstrndx, sh.sh_name);
		if (sh.sh_type == SHT_SYMTAB) {
			symtab = elf_getdata(s, NULL);
			symtab_link = sh.sh_link;
		} else if (strcmp(n, "maps") == 0) {
			maps_idx = elf_ndxscn(s);
		} else if (strcmp(n, ".text") == 0) {
			text_idx = elf_ndxscn(s);
		}
	}
	if (maps_idx >= 0 && symtab)
		return legacy(argv[1], argv[2]);
	return with_libbpf(argv[1], argv[2]);
}
