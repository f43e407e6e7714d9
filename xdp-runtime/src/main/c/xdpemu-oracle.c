// SPDX-License-Identifier: GPL-2.0
/*
 * xdpemu-oracle: the running kernel as the oracle of xdpemu.
 *
 * Loads one program of a BPF object with libbpf (forced to BPF_PROG_TYPE_XDP, as
 * `bpftool prog load ... type xdp` does), then serves a line-oriented protocol on stdin/stdout so
 * that one process runs many packets through BPF_PROG_TEST_RUN with map state kept across them
 * (what `xdpemu diff` needs). Built by io.xdpemu.oracle.KernelOracle at first use:
 *
 *     gcc -O2 -Wall -o xdpemu-oracle xdpemu-oracle.c -lbpf -lelf -lz
 *
 * Usage: xdpemu-oracle [--cpu N] [--user-sized N] OBJ.o PROG [BTF]
 *        xdpemu-oracle --probe      prints "ok" if the bpf() syscall works for us (creates and
 *                                   frees a one-entry array map), else "error MESSAGE"; exit 0/1
 *     --cpu N  run on CPU N only (sched_setaffinity): BPF_PROG_TEST_RUN runs the program on the
 *              calling CPU, so per-CPU map values land in slot N, where xdpemu's queue puts them
 *     --user-sized N  maps declared with max_entries 0 (sized by their loader, as xdp-bench does)
 *              get N entries (PERF_EVENT_ARRAY excepted: libbpf gives it one per CPU)
 *     PROG     program function name or ELF section name
 *     BTF      optional target BTF for CO-RE (libbpf's btf_custom_path), e.g. vmlinux + NIC BTF
 *
 * The host is never touched: maps the object pins (LIBBPF_PIN_BY_NAME) are pinned under a private
 * directory made for this process (/sys/fs/bpf/xdpemu-oracle-XXXXXX, libbpf's pin_root_path), so an
 * existing pin of the same name (a live xdp-filter map) is never opened, reused or changed; the
 * directory and its pins are removed at exit, also on SIGTERM/SIGINT/SIGHUP/SIGPIPE. The ready line
 * names it (pins=DIR) so that the caller can remove what a SIGKILL left.
 *
 * Protocol. Every reply is one line, except "maps" (several lines ended by "end"). Hex is lower
 * case, two digits per byte, "-" stands for no bytes.
 *
 *   (start)                               -> ready prog=NAME id=ID maps=N ncpus=C cpu=N|-
 *                                                  pins=DIR|-  |  error MESSAGE
 *   update MAP KEYHEX VALUEHEX            -> ok  |  error MESSAGE
 *       per-CPU maps: VALUEHEX is one value (stored on every possible CPU) or ncpus values
 *       concatenated, each value_size bytes.
 *   run REPEAT METAHEX DATAHEX            -> result retval=R duration=NS meta=HEX data=HEX
 *                                         |  error errno=E MESSAGE
 *       METAHEX is placed in front of the frame: data_in = meta ++ frame, and ctx_in is a
 *       struct xdp_md { .data = len(meta), .data_end = len(meta) + len(frame) }, which
 *       bpf_prog_test_run_xdp() turns into data_meta = data - len(meta). ctx_in is passed even
 *       when meta is empty (data = 0 then, which is what the kernel assumes without ctx_in) so
 *       that ctx_out tells where the frame starts in data_out: the kernel copies data_out from
 *       data_meta, i.e. metadata (as the program left it) followed by the frame.
 *   maps                                  -> for each map of the object:
 *                                            map name=NAME type=T key_size=K value_size=V
 *                                                max_entries=M ncpus=C     (C = 0: not per-CPU)
 *                                            entry KEYHEX VALUEHEX        (per-CPU: V0,V1,...)
 *                                            ...
 *                                          then: end
 *       entries come from BPF_MAP_LOOKUP_BATCH where the map type has it, else one by one.
 *   names                                 -> names NAME... (every map of the object)
 *   scan MAP                              -> one map as "maps" shows it, then "end"; but an
 *                                            array's elements that are zero on every CPU are left
 *                                            out (what changed since creation, cheap to compare)
 *   lookup MAP KEYHEX...                  -> an "entry" line for each key present, then "end"
 *   quit (or end of input)                -> the "maps" dump, then exit 0
 *
 * libbpf's own messages (and the verifier log on a rejected load) go to stderr.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <bpf/libbpf_version.h>
#include <linux/bpf.h>

/* Room for bpf_xdp_adjust_tail() growth and metadata: far more than one page-sized XDP buffer. */
#define DATA_OUT_MAX (256 * 1024)

static struct bpf_object *obj;
static struct bpf_program *prog;
static int ncpus;

static void reply(const char *fmt, ...);

/* The private bpffs directory for this process's pins ("" when none could be made). */
static char pin_root[64];

/* Unlinks every pin under pin_root and the directory itself. Async-signal-safe (unlink, rmdir,
 * and the directory walk only), as it also runs from the signal handler. */
static void remove_pin_root(void)
{
	char path[sizeof(pin_root) + 256];
	struct dirent *e;
	DIR *d;

	if (!pin_root[0])
		return;
	d = opendir(pin_root);
	if (d) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", pin_root, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(pin_root);
	pin_root[0] = '\0';
}

static void on_signal(int sig)
{
	remove_pin_root();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* A fresh directory under bpffs for LIBBPF_PIN_BY_NAME maps; never /sys/fs/bpf itself. */
static void make_pin_root(void)
{
	strcpy(pin_root, "/sys/fs/bpf/xdpemu-oracle-XXXXXX");
	if (!mkdtemp(pin_root)) {
		pin_root[0] = '\0';
		return;
	}
	atexit(remove_pin_root);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, on_signal);
}

/* Whether the object pins any map: it then needs the private pin root. */
static int pins_maps(void)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
		if (bpf_map__pin_path(map) || bpf_map__is_pinned(map))
			return 1;
	return 0;
}

static int run_on_cpu(const char *arg)
{
	char *end;
	long cpu = strtol(arg, &end, 10);
	cpu_set_t set;

	if (*arg == '\0' || *end || cpu < 0 || cpu >= CPU_SETSIZE) {
		reply("error --cpu wants a CPU number, not '%s'", arg);
		return -1;
	}
	CPU_ZERO(&set);
	CPU_SET((int)cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		reply("error cannot run on CPU %ld only: %s", cpu, strerror(errno));
		return -1;
	}
	return (int)cpu;
}

static int libbpf_to_stderr(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, args);
}

/* Replies are read line by line by another process: never leave one in the buffer. */
static void reply(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vprintf(fmt, args);
	va_end(args);
	putchar('\n');
	fflush(stdout);
}

static void print_hex(const unsigned char *buf, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (len == 0) {
		putchar('-');
		return;
	}
	for (i = 0; i < len; i++) {
		putchar(digits[buf[i] >> 4]);
		putchar(digits[buf[i] & 0xf]);
	}
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes HEX ("-" = empty) into a new buffer; returns its length, or -1 if malformed. */
static long parse_hex(const char *hex, unsigned char **out)
{
	size_t len, i;

	*out = NULL;
	if (!hex)
		return -1;
	if (strcmp(hex, "-") == 0) {
		*out = malloc(1);
		return *out ? 0 : -1;
	}
	len = strlen(hex);
	if (len % 2)
		return -1;
	*out = malloc(len / 2 + 1);
	if (!*out)
		return -1;
	for (i = 0; i < len / 2; i++) {
		int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(*out);
			*out = NULL;
			return -1;
		}
		(*out)[i] = (unsigned char)(hi << 4 | lo);
	}
	return (long)(len / 2);
}

static int is_percpu(enum bpf_map_type type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

/* Per-CPU lookups and updates move one value per possible CPU, each rounded up to 8 bytes
 * (kernel: bpf_map_value_size(), libbpf: validate_map_op()). */
static size_t percpu_stride(const struct bpf_map *map)
{
	return ((size_t)bpf_map__value_size(map) + 7) & ~(size_t)7;
}

static size_t lookup_size(const struct bpf_map *map)
{
	if (is_percpu(bpf_map__type(map)))
		return percpu_stride(map) * (size_t)ncpus;
	return bpf_map__value_size(map);
}

/* A map by its libbpf name, or by the name without libbpf's "<object prefix>" for the global
 * data maps (libbpf calls .bss of xdp_counter.o "xdp_coun.bss"; xdpemu calls it ".bss"). */
static struct bpf_map *find_map(const char *name)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		const char *n = bpf_map__name(map);
		const char *dot = strchr(n, '.');

		if (strcmp(n, name) == 0 || (dot && strcmp(dot, name) == 0))
			return map;
	}
	return NULL;
}

static void cmd_update(char *args)
{
	char *name = strtok(args, " "), *key_hex = strtok(NULL, " "), *val_hex = strtok(NULL, " ");
	unsigned char *key = NULL, *val = NULL, *buf = NULL;
	long key_len, val_len;
	struct bpf_map *map;
	size_t vsize;
	int i;

	if (!name || !key_hex || !val_hex) {
		reply("error usage: update MAP KEYHEX VALUEHEX");
		return;
	}
	map = find_map(name);
	if (!map) {
		reply("error no map named '%s'", name);
		return;
	}
	key_len = parse_hex(key_hex, &key);
	val_len = parse_hex(val_hex, &val);
	vsize = bpf_map__value_size(map);
	if (key_len != (long)bpf_map__key_size(map)) {
		reply("error map '%s': key is %ld bytes, key_size is %u", name, key_len,
		      bpf_map__key_size(map));
		goto out;
	}
	if (is_percpu(bpf_map__type(map))) {
		if (val_len != (long)vsize && val_len != (long)(vsize * ncpus)) {
			reply("error map '%s': value is %ld bytes, need %zu or %d x %zu", name,
			      val_len, vsize, ncpus, vsize);
			goto out;
		}
		buf = calloc(ncpus, percpu_stride(map));
		if (!buf) {
			reply("error out of memory");
			goto out;
		}
		for (i = 0; i < ncpus; i++)
			memcpy(buf + i * percpu_stride(map), val + (val_len == (long)vsize ? 0 : i * vsize),
			       vsize);
	} else if (val_len != (long)vsize) {
		reply("error map '%s': value is %ld bytes, value_size is %zu", name, val_len, vsize);
		goto out;
	}
	if (bpf_map_update_elem(bpf_map__fd(map), key, buf ? buf : val, BPF_ANY))
		reply("error map '%s': update failed: %s", name, strerror(errno));
	else
		reply("ok");
out:
	free(key);
	free(val);
	free(buf);
}

static void cmd_run(char *args)
{
	char *repeat_s = strtok(args, " "), *meta_hex = strtok(NULL, " "), *data_hex = strtok(NULL, " ");
	unsigned char *meta = NULL, *data = NULL, *in = NULL, *out = NULL;
	struct xdp_md ctx_in = {}, ctx_out = {};
	long meta_len, data_len;
	char *end;
	long repeat;
	int err;
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	repeat = repeat_s ? strtol(repeat_s, &end, 10) : -1;
	if (!repeat_s || *end || repeat < 1 || repeat > 100000000 || !data_hex) {
		reply("error errno=%d usage: run REPEAT METAHEX DATAHEX", EINVAL);
		return;
	}
	meta_len = parse_hex(meta_hex, &meta);
	data_len = parse_hex(data_hex, &data);
	if (meta_len < 0 || data_len < 0) {
		reply("error errno=%d malformed hex", EINVAL);
		goto out;
	}
	in = malloc(meta_len + data_len + 1);
	out = malloc(DATA_OUT_MAX);
	if (!in || !out) {
		reply("error errno=%d out of memory", ENOMEM);
		goto out;
	}
	memcpy(in, meta, meta_len);
	memcpy(in + meta_len, data, data_len);
	ctx_in.data = (__u32)meta_len;
	ctx_in.data_end = (__u32)(meta_len + data_len);
	opts.data_in = in;
	opts.data_size_in = (__u32)(meta_len + data_len);
	opts.data_out = out;
	opts.data_size_out = DATA_OUT_MAX;
	opts.ctx_in = &ctx_in;
	opts.ctx_size_in = sizeof(ctx_in);
	opts.ctx_out = &ctx_out;
	opts.ctx_size_out = sizeof(ctx_out);
	opts.repeat = (int)repeat;

	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (err) {
		err = errno;
		reply("error errno=%d BPF_PROG_TEST_RUN failed: %s", err, strerror(err));
		goto out;
	}
	if (ctx_out.data > opts.data_size_out || ctx_out.data_end > opts.data_size_out ||
	    ctx_out.data > ctx_out.data_end) {
		reply("error errno=%d ctx_out {data=%u, data_end=%u} outside data_out (%u bytes)",
		      ERANGE, ctx_out.data, ctx_out.data_end, opts.data_size_out);
		goto out;
	}
	printf("result retval=%u duration=%u meta=", opts.retval, opts.duration);
	print_hex(out, ctx_out.data);
	printf(" data=");
	print_hex(out + ctx_out.data, opts.data_size_out - ctx_out.data);
	reply("");
out:
	free(meta);
	free(data);
	free(in);
	free(out);
}

static int is_array(enum bpf_map_type type)
{
	return type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

/* Whether an array element still holds what creation gave it (zeros on every CPU). */
static int all_zero(const unsigned char *val, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (val[i])
			return 0;
	return 1;
}

static void print_entry(const struct bpf_map *map, const unsigned char *key,
			const unsigned char *val)
{
	size_t vsize = bpf_map__value_size(map);
	int i;

	printf("entry ");
	print_hex(key, bpf_map__key_size(map));
	putchar(' ');
	if (!is_percpu(bpf_map__type(map))) {
		print_hex(val, vsize);
	} else {
		for (i = 0; i < ncpus; i++) {
			if (i)
				putchar(',');
			print_hex(val + i * percpu_stride(map), vsize);
		}
	}
	reply("");
}

/* Entries by BPF_MAP_LOOKUP_BATCH, many per system call (a 33.5M-element array in about 2 s,
 * where one BPF_MAP_GET_NEXT_KEY + LOOKUP pair per element takes minutes). Returns 0 when done,
 * -1 when the map type has no batch operations (nothing was printed then). */
static int dump_batch(struct bpf_map *map, int sparse)
{
	int fd = bpf_map__fd(map), skip_zero = sparse && is_array(bpf_map__type(map)), err;
	size_t ksize = bpf_map__key_size(map), vsize = lookup_size(map);
	__u32 count = (__u32)(16 * 1024 * 1024 / (vsize + ksize)), n, i, out_batch = 0;
	unsigned char *keys = NULL, *vals = NULL;
	int first = 1, rc = 0;

	if (count < 256)
		count = 256;
	for (;;) {
		LIBBPF_OPTS(bpf_map_batch_opts, opts);

		if (!keys) {
			keys = malloc((size_t)count * ksize + 1);
			vals = malloc((size_t)count * vsize + 1);
			if (!keys || !vals) {
				rc = first ? -1 : 0;
				break;
			}
		}
		n = count;
		err = bpf_map_lookup_batch(fd, first ? NULL : &out_batch, &out_batch, keys, vals, &n,
					   &opts);
		if (err && errno == ENOSPC && n == 0) { /* a hash bucket larger than the batch */
			count *= 4;
			free(keys);
			free(vals);
			keys = vals = NULL;
			continue;
		}
		if (err && errno != ENOENT) {
			/* EINVAL / ENOTSUPP: no batch operations for this map type (the count is then
			 * left as passed in, not a number of entries read); later: stop there */
			rc = first ? -1 : 0;
			break;
		}
		for (i = 0; i < n; i++) {
			const unsigned char *v = vals + (size_t)i * vsize;

			if (skip_zero && all_zero(v, vsize))
				continue;
			print_entry(map, keys + (size_t)i * ksize, v);
		}
		first = 0;
		if (err)
			break; /* ENOENT: the last batch */
	}
	free(keys);
	free(vals);
	return rc;
}

/* Entries one by one: BPF_MAP_GET_NEXT_KEY from NULL gives the first key (bucket order). */
static void dump_each(struct bpf_map *map, int sparse)
{
	int fd = bpf_map__fd(map), skip_zero = sparse && is_array(bpf_map__type(map)), err;
	size_t ksize = bpf_map__key_size(map);
	unsigned char *key = calloc(1, ksize + 1), *next = calloc(1, ksize + 1);
	unsigned char *val = calloc(1, lookup_size(map) + 1);
	void *prev = NULL;

	if (!key || !next || !val)
		goto out;
	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		memcpy(key, next, ksize);
		prev = key;
		err = bpf_map_lookup_elem(fd, key, val);
		if (err) {
			if (errno == ENOENT) /* deleted between the two calls */
				continue;
			break; /* a map type without lookup from user space (prog array, ringbuf) */
		}
		if (skip_zero && all_zero(val, lookup_size(map)))
			continue;
		print_entry(map, key, val);
	}
out:
	free(key);
	free(next);
	free(val);
}

static void dump_map(struct bpf_map *map, int sparse)
{
	reply("map name=%s type=%s key_size=%u value_size=%u max_entries=%u ncpus=%d",
	      bpf_map__name(map), libbpf_bpf_map_type_str(bpf_map__type(map)),
	      bpf_map__key_size(map), bpf_map__value_size(map), bpf_map__max_entries(map),
	      is_percpu(bpf_map__type(map)) ? ncpus : 0);
	if (dump_batch(map, sparse) < 0)
		dump_each(map, sparse);
}

static void cmd_maps(void)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
		dump_map(map, 0);
	reply("end");
}

static void cmd_names(void)
{
	struct bpf_map *map;

	printf("names");
	bpf_object__for_each_map(map, obj)
		printf(" %s", bpf_map__name(map));
	reply("");
}

static void cmd_scan(char *args)
{
	char *name = strtok(args, " ");
	struct bpf_map *map = name ? find_map(name) : NULL;

	if (!map) {
		reply("error no map named '%s'", name ? name : "");
		return;
	}
	dump_map(map, 1);
	reply("end");
}

/* lookup MAP KEYHEX...: one "entry" line per key present, then "end" (absent keys: no line). */
static void cmd_lookup(char *args)
{
	char *name = strtok(args, " "), *key_hex;
	struct bpf_map *map = name ? find_map(name) : NULL;
	unsigned char *key, *val;
	long key_len;

	if (!map) {
		reply("error no map named '%s'", name ? name : "");
		return;
	}
	val = calloc(1, lookup_size(map) + 1);
	while (val && (key_hex = strtok(NULL, " ")) != NULL) {
		key_len = parse_hex(key_hex, &key);
		if (key_len == (long)bpf_map__key_size(map) &&
		    bpf_map_lookup_elem(bpf_map__fd(map), key, val) == 0)
			print_entry(map, key, val);
		free(key);
	}
	free(val);
	reply("end");
}

/* --user-sized N: what the loader of a map declared with max_entries 0 does before creating it
 * (xdp-tools' xdp-bench and xdp-trafficgen call bpf_map__set_max_entries at load time). libbpf
 * already sizes a PERF_EVENT_ARRAY of 0 to the number of CPUs, so that type is left alone. */
static void size_user_sized_maps(__u32 entries)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
		if (bpf_map__max_entries(map) == 0 &&
		    bpf_map__type(map) != BPF_MAP_TYPE_PERF_EVENT_ARRAY)
			bpf_map__set_max_entries(map, entries);
}

/* Selects PROG (function or section name), forced to XDP; every other program is not loaded. */
static struct bpf_program *select_program(const char *name)
{
	struct bpf_program *p, *found = NULL;

	bpf_object__for_each_program(p, obj) {
		if (!found && (strcmp(bpf_program__name(p), name) == 0 ||
			       strcmp(bpf_program__section_name(p), name) == 0))
			found = p;
		else
			bpf_program__set_autoload(p, false);
	}
	if (found && bpf_program__type(found) != BPF_PROG_TYPE_XDP) {
		bpf_program__set_type(found, BPF_PROG_TYPE_XDP);
		bpf_program__set_expected_attach_type(found, 0);
	}
	return found;
}

static int probe_bpf(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "xdpemu_probe", 4, 4, 1, NULL);

	if (fd < 0) {
		reply("error bpf(BPF_MAP_CREATE) failed: %s", strerror(errno));
		return 1;
	}
	close(fd);
	reply("ok");
	return 0;
}

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	struct bpf_prog_info info = {};
	__u32 info_len = sizeof(info);
	struct bpf_map *map;
	char *line = NULL, cpu_s[16] = "-";
	size_t cap = 0;
	int nmaps = 0, err, cpu = -1;
	long user_sized = 0;

	if (argc == 2 && strcmp(argv[1], "--probe") == 0)
		return probe_bpf();
	if (argc >= 3 && strcmp(argv[1], "--cpu") == 0) {
		cpu = run_on_cpu(argv[2]);
		if (cpu < 0)
			return 1;
		argc -= 2;
		argv += 2;
	}
	if (argc >= 3 && strcmp(argv[1], "--user-sized") == 0) {
		user_sized = strtol(argv[2], NULL, 10);
		if (user_sized <= 0 || user_sized > 0x7fffffffL) {
			reply("error --user-sized wants a positive number of entries, not '%s'", argv[2]);
			return 2;
		}
		argc -= 2;
		argv += 2;
	}
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s [--cpu N] [--user-sized N] OBJ.o PROG [BTF]\n", argv[0]);
		reply("error usage: xdpemu-oracle [--cpu N] [--user-sized N] OBJ.o PROG [BTF]");
		return 2;
	}
	libbpf_set_print(libbpf_to_stderr);
	ncpus = libbpf_num_possible_cpus();
	if (ncpus < 1) {
		reply("error cannot count possible CPUs: %s", strerror(-ncpus));
		return 1;
	}
	if (argc == 4)
		open_opts.btf_custom_path = argv[3];
	make_pin_root();
	/* Without a private directory, pins go to a path that cannot exist, never to /sys/fs/bpf. */
	open_opts.pin_root_path = pin_root[0] ? pin_root : "/nonexistent/xdpemu-no-private-bpffs";
	obj = bpf_object__open_file(argv[1], &open_opts);
	if (!obj) {
		reply("error %s: cannot open: %s", argv[1], strerror(errno));
		return 1;
	}
	if (!pin_root[0] && pins_maps()) {
		reply("error %s: the object pins maps and no private directory could be made under "
		      "/sys/fs/bpf (is bpffs mounted?): refusing to use the host's pins", argv[1]);
		return 1;
	}
	prog = select_program(argv[2]);
	if (!prog) {
		reply("error %s: no program named '%s'", argv[1], argv[2]);
		return 1;
	}
	if (user_sized > 0)
		size_user_sized_maps((__u32)user_sized);
	err = bpf_object__load(obj);
	if (err) {
		reply("error %s: load of '%s' failed: %s", argv[1], argv[2], strerror(-err));
		return 1;
	}
#if LIBBPF_MAJOR_VERSION > 1 || (LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION >= 2)
	bpf_prog_get_info_by_fd(bpf_program__fd(prog), &info, &info_len);
#else
	bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &info_len);
#endif
	bpf_object__for_each_map(map, obj)
		nmaps++;
	if (cpu >= 0)
		snprintf(cpu_s, sizeof(cpu_s), "%d", cpu);
	reply("ready prog=%s id=%u maps=%d ncpus=%d cpu=%s pins=%s", bpf_program__name(prog),
	      info.id, nmaps, ncpus, cpu_s, pin_root[0] ? pin_root : "-");

	while (getline(&line, &cap, stdin) > 0) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, "run ", 4) == 0)
			cmd_run(line + 4);
		else if (strncmp(line, "update ", 7) == 0)
			cmd_update(line + 7);
		else if (strcmp(line, "maps") == 0)
			cmd_maps();
		else if (strcmp(line, "names") == 0)
			cmd_names();
		else if (strncmp(line, "scan ", 5) == 0)
			cmd_scan(line + 5);
		else if (strncmp(line, "lookup ", 7) == 0)
			cmd_lookup(line + 7);
		else if (strcmp(line, "quit") == 0)
			break;
		else
			reply("error unknown command '%.40s'", line);
	}
	cmd_maps();
	free(line);
	bpf_object__close(obj);
	return 0;
}
