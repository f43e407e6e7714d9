// SPDX-License-Identifier: GPL-2.0
/*
 * verifier-batch: the running kernel's verifier (and BPF_PROG_TEST_RUN) for many small XDP
 * programs from one process, for the generated-program differential of xdpemu's verifier
 * (io.xdpemu.verifier.KernelVerifierBatch). Raw bpf(2), no libbpf, nothing pinned: every map
 * and program lives only as a file descriptor of this process and is closed before the next load.
 *
 *     gcc -O2 -Wall -o verifier-batch verifier-batch.c
 *
 * Protocol, one request per line on stdin, one reply per request on stdout:
 *
 *   load MAPS HEX    MAPS: "-" or comma-separated TYPE:KEY:VALUE:MAX map specs; HEX: the
 *                    instructions, 16 hex digits per slot, little-endian bytes as in an ELF.
 *                    Every ld_imm64 with src 1 (BPF_PSEUDO_MAP_FD) or 2 (MAP_VALUE) has its imm
 *                    replaced by the fd of map number imm.
 *                    -> ok
 *                    -> reject errno=E            followed by the verifier log, one line each
 *                       prefixed "| ", then "end"
 *   run HEX          BPF_PROG_TEST_RUN of the last accepted program on one packet (repeat 1)
 *                    -> result retval=R data=HEX   |  error errno=E
 *   probe            -> ok  |  error errno=E  (creates and frees an array map)
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define LOG_SIZE (4 * 1024 * 1024)
#define MAX_INSNS 4096
#define MAX_MAPS 8
#define DATA_MAX 8192

static char log_buf[LOG_SIZE];
static struct bpf_insn insns[MAX_INSNS];
static int map_fds[MAX_MAPS];
static int nmaps;
static int prog_fd = -1;

static long sys_bpf(int cmd, union bpf_attr *attr) {
  return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static void close_all(void) {
  if (prog_fd >= 0) close(prog_fd);
  prog_fd = -1;
  for (int i = 0; i < nmaps; i++) close(map_fds[i]);
  nmaps = 0;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes hex into out; returns the byte count or -1. */
static long unhex(const char *s, unsigned char *out, long max) {
  long n = 0;
  while (s[0] && s[0] != '\n' && s[0] != ' ') {
    int hi = hexval(s[0]), lo = hexval(s[1]);
    if (hi < 0 || lo < 0 || n >= max) return -1;
    out[n++] = (unsigned char)(hi << 4 | lo);
    s += 2;
  }
  return n;
}

static int create_map(unsigned type, unsigned key, unsigned value, unsigned max) {
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.map_type = type;
  a.key_size = key;
  a.value_size = value;
  a.max_entries = max;
  return (int)sys_bpf(BPF_MAP_CREATE, &a);
}

static void reply_reject(int err) {
  printf("reject errno=%d\n", err);
  char *line = log_buf;
  while (*line) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = 0;
    printf("| %s\n", line);
    if (!nl) break;
    line = nl + 1;
  }
  printf("end\n");
}

static void do_load(char *args) {
  close_all();
  char *maps = args;
  char *hex = strchr(args, ' ');
  if (!hex) {
    printf("error errno=%d bad request\n", EINVAL);
    return;
  }
  *hex++ = 0;
  if (strcmp(maps, "-") != 0) {
    for (char *tok = strtok(maps, ","); tok; tok = strtok(NULL, ",")) {
      unsigned t, k, v, m;
      if (sscanf(tok, "%u:%u:%u:%u", &t, &k, &v, &m) != 4 || nmaps == MAX_MAPS) {
        printf("error errno=%d bad map %s\n", EINVAL, tok);
        close_all();
        return;
      }
      int fd = create_map(t, k, v, m);
      if (fd < 0) {
        printf("error errno=%d map create %s\n", errno, tok);
        close_all();
        return;
      }
      map_fds[nmaps++] = fd;
    }
  }
  long n = unhex(hex, (unsigned char *)insns, sizeof(insns));
  if (n <= 0 || n % 8) {
    printf("error errno=%d bad instructions\n", EINVAL);
    close_all();
    return;
  }
  long cnt = n / 8;
  for (long i = 0; i + 1 < cnt; i++) {
    if (insns[i].code == (BPF_LD | BPF_IMM | BPF_DW) &&
        (insns[i].src_reg == BPF_PSEUDO_MAP_FD || insns[i].src_reg == BPF_PSEUDO_MAP_VALUE) &&
        insns[i].imm >= 0 && insns[i].imm < nmaps) {
      insns[i].imm = map_fds[insns[i].imm];
    }
  }
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.prog_type = BPF_PROG_TYPE_XDP;
  a.insns = (uint64_t)(uintptr_t)insns;
  a.insn_cnt = (uint32_t)cnt;
  a.license = (uint64_t)(uintptr_t) "GPL";
  a.log_level = 1;
  a.log_buf = (uint64_t)(uintptr_t)log_buf;
  a.log_size = sizeof(log_buf);
  log_buf[0] = 0;
  int fd = (int)sys_bpf(BPF_PROG_LOAD, &a);
  if (fd < 0) {
    reply_reject(errno);
    close_all();
    return;
  }
  prog_fd = fd;
  printf("ok\n");
}

static void do_run(char *hex) {
  static unsigned char in[DATA_MAX], out[DATA_MAX + 4096];
  long n = unhex(hex, in, sizeof(in));
  if (prog_fd < 0 || n < 0) {
    printf("error errno=%d\n", EINVAL);
    return;
  }
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.test.prog_fd = prog_fd;
  a.test.data_in = (uint64_t)(uintptr_t)in;
  a.test.data_size_in = (uint32_t)n;
  a.test.data_out = (uint64_t)(uintptr_t)out;
  a.test.data_size_out = sizeof(out);
  a.test.repeat = 1;
  if (sys_bpf(BPF_PROG_TEST_RUN, &a) < 0) {
    printf("error errno=%d\n", errno);
    return;
  }
  printf("result retval=%u data=", a.test.retval);
  for (uint32_t i = 0; i < a.test.data_size_out && i < sizeof(out); i++) printf("%02x", out[i]);
  printf("%s\n", a.test.data_size_out ? "" : "-");
}

int main(void) {
  static char line[2 * MAX_INSNS * 8 + 4096];
  setvbuf(stdout, NULL, _IOFBF, 1 << 16);
  while (fgets(line, sizeof(line), stdin)) {
    line[strcspn(line, "\n")] = 0;
    if (strncmp(line, "load ", 5) == 0) {
      do_load(line + 5);
    } else if (strncmp(line, "run ", 4) == 0) {
      do_run(line + 4);
    } else if (strcmp(line, "probe") == 0) {
      int fd = create_map(BPF_MAP_TYPE_ARRAY, 4, 4, 1);
      if (fd < 0) {
        printf("error errno=%d\n", errno);
      } else {
        close(fd);
        printf("ok\n");
      }
    } else {
      printf("error errno=%d unknown request\n", EINVAL);
    }
    fflush(stdout);
  }
  close_all();
  return 0;
}
