#!/bin/sh
# Kernel verifier selftests as an external suite for xdpemu's verifier (issue 5, part 4b).
#
# Downloads Debian's linux-source-6.12 (never committed: GPL-2.0 sources stay in target/),
# extracts tools/testing/selftests/bpf/progs/verifier_*.c, compiles every file with clang 16 (what
# .ci/run installs; clang 14 cannot assemble the newer inline asm of about ten files) and
# verifier_bounds.c with clang 19 (its ISA v4 inline asm needs clang >= 18; Debian 12 ships 19): a
# file that does not compile fails the script. Then the JUnit harness KernelSelftestsTest checks
# every XDP program against two oracles: its annotations, in the modes test_loader.c runs it
# (__success/__failure/__msg and the _unpriv tags, BTF decl tags inside each object), and the
# running kernel, live, as root and as CAP_BPF + CAP_NET_ADMIN (xdpemu's unprivileged mode). The
# numbers checked may not drop below those recorded in .ci/verifier-selftests.floor.
#
# Usage: .ci/verifier-selftests.sh   (from the repository root; needs apt, clang-16, clang-19,
#                                      bpftool, gcc + libbpf-dev, capsh)
# Env:   XDPEMU_SELFTESTS_DIR  work directory (default verifier/target/selftests)
#        CLANG                 compiler (default clang-16)
#        CLANG_V4              compiler for NEEDS_NEWER_CLANG files (default clang-19)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${XDPEMU_SELFTESTS_DIR:-$ROOT/verifier/target/selftests}
SRC=$WORK/linux-source-6.12
OBJ=$WORK/obj
mkdir -p "$WORK" "$OBJ"

if [ ! -d "$SRC/tools/testing/selftests/bpf/progs" ]; then
  cd "$WORK"
  if ! ls linux-source-6.12_*.deb >/dev/null 2>&1; then
    apt-get download linux-source-6.12
  fi
  deb=$(ls linux-source-6.12_*.deb | head -n 1)
  dpkg-deb --fsys-tarfile "$deb" | tar -x ./usr/src/linux-source-6.12.tar.xz
  tar -xJf usr/src/linux-source-6.12.tar.xz --wildcards \
    'linux-source-6.12/tools/testing/selftests/bpf/progs' \
    'linux-source-6.12/tools/testing/selftests/bpf/*.h' \
    'linux-source-6.12/tools/include' \
    'linux-source-6.12/tools/lib/bpf/*.h' \
    'linux-source-6.12/scripts/bpf_doc.py' \
    'linux-source-6.12/include/uapi/linux/bpf.h'
  rm -f usr/src/linux-source-6.12.tar.xz
fi

# The selftests use the libbpf headers of their own kernel (bpf_for_each, __arg_ctx,
# BPF_CORE_WRITE_BITFIELD are newer than Debian's libbpf 1.1): tools/lib/bpf/*.h, with
# bpf_helper_defs.h generated from the uapi bpf.h as the kernel's build does.
if [ ! -s "$WORK/libbpf/bpf/bpf_helper_defs.h" ]; then
  mkdir -p "$WORK/libbpf/bpf"
  cp "$SRC"/tools/lib/bpf/*.h "$WORK/libbpf/bpf/"
  (cd "$SRC" && python3 scripts/bpf_doc.py --header --file include/uapi/linux/bpf.h) \
    > "$WORK/libbpf/bpf/bpf_helper_defs.h"
fi

# vmlinux.h for the files that include it: from the running kernel when it exposes BTF.
if [ ! -s "$WORK/vmlinux.h" ] && [ -r /sys/kernel/btf/vmlinux ]; then
  bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$WORK/vmlinux.h"
fi

# -target bpf makes glibc headers look for the 32-bit stubs, which 64-bit hosts do not install.
mkdir -p "$WORK/gnu"
[ -f "$WORK/gnu/stubs-32.h" ] || : > "$WORK/gnu/stubs-32.h"

CLANG=${CLANG:-clang-16}
# verifier_bounds.c has tests in ISA v4 asm (w6 = (s8)w0), which clang assembles from 18 on.
CLANG_V4=${CLANG_V4:-clang-19}
NEEDS_NEWER_CLANG="verifier_bounds"
for cc in "$CLANG" "$CLANG_V4"; do
  if ! command -v "$cc" >/dev/null 2>&1; then
    echo "verifier-selftests: $cc not found (apt-get install $cc)" >&2
    exit 2
  fi
done
MULTIARCH=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
PROGS=$SRC/tools/testing/selftests/bpf/progs
ok=0; failed=0
: > "$WORK/compile.log"
: > "$WORK/not-compiled.txt"
rm -f "$OBJ"/*.o
for c in "$PROGS"/verifier_*.c; do
  name=$(basename "$c" .c)
  cc=$CLANG
  case " $NEEDS_NEWER_CLANG " in *" $name "*) cc=$CLANG_V4 ;; esac
  if "$cc" -O2 -g --target=bpf -mcpu=v3 -D__TARGET_ARCH_x86 -I"$WORK/libbpf" -I"$WORK" -I"/usr/include/$MULTIARCH" \
      -I"$PROGS/.." -I"$SRC/tools/include/uapi" -c "$c" -o "$OBJ/$name.o" 2>>"$WORK/compile.log"; then
    ok=$((ok + 1))
  else
    failed=$((failed + 1))
    echo "not compiled by $("$cc" --version | head -n 1): $name" | tee -a "$WORK/not-compiled.txt"
  fi
done
echo "compiled $ok verifier_*.c files, $failed failed (see $WORK/compile.log)"
if [ "$failed" -ne 0 ]; then
  echo "verifier-selftests: $failed files did not compile" >&2
  exit 1
fi
FLOOR=$(sed -n "s/^programs \([0-9]*\).*/\1/p" "$ROOT/.ci/verifier-selftests.floor")
KERNEL_FLOOR=$(sed -n "s/^kernel \([0-9]*\).*/\1/p" "$ROOT/.ci/verifier-selftests.floor")

# The live kernel as a second oracle, in both loader modes (root, and CAP_BPF + CAP_NET_ADMIN
# through capsh): the realworld suite's loader, which loads one program of an object with libbpf.
gcc -O2 -Wall -o "$WORK/kernel-verdict" "$ROOT/xdp-runtime/src/test/c/kernel-verdict.c" -lbpf -lelf -lz

cd "$ROOT"
XDPEMU_SELFTESTS="$OBJ" exec mvn -q -B -o test -pl verifier -am -Dtest=KernelSelftestsTest \
  -Dsurefire.failIfNoSpecifiedTests=false -Dxdpemu.selftests="$OBJ" \
  -Dxdpemu.selftests.floor="$FLOOR" -Dxdpemu.selftests.kernelFloor="$KERNEL_FLOOR" \
  -Dxdpemu.selftests.kernelVerdict="$WORK/kernel-verdict"
