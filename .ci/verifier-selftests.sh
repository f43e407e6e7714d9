#!/bin/sh
# Kernel verifier selftests as an external suite for xdpemu's verifier (issue 5, part 4b).
#
# Downloads Debian's linux-source-6.12 (never committed: GPL-2.0 sources stay in target/),
# extracts tools/testing/selftests/bpf/progs/verifier_*.c, compiles every file with clang 16 (what
# .ci/run installs; clang 14 cannot assemble the newer inline asm of about ten files: a file that
# does not compile fails the script), then runs the JUnit harness KernelSelftestsTest over the XDP
# programs, privileged and unprivileged. Expectations come from the __success/__failure/__msg
# (and _unpriv) BTF decl tags inside each object; the number of programs checked may not drop below
# the figure recorded in .ci/verifier-selftests.floor.
#
# Usage: .ci/verifier-selftests.sh            (from the repository root; needs apt, clang-16, bpftool)
# Env:   XDPEMU_SELFTESTS_DIR  work directory (default verifier/target/selftests)
#        CLANG                 compiler (default clang-16)
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
# verifier_bounds.c has tests in ISA v4 asm (w6 = (s8)w0): -mcpu=v4 exists from clang 18 on.
NEEDS_NEWER_CLANG="verifier_bounds"
if ! command -v "$CLANG" >/dev/null 2>&1; then
  echo "verifier-selftests: $CLANG not found (apt-get install clang-16)" >&2
  exit 2
fi
MULTIARCH=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
PROGS=$SRC/tools/testing/selftests/bpf/progs
ok=0; failed=0
: > "$WORK/compile.log"
: > "$WORK/not-compiled.txt"
rm -f "$OBJ"/*.o
for c in "$PROGS"/verifier_*.c; do
  name=$(basename "$c" .c)
  case " $NEEDS_NEWER_CLANG " in *" $name "*) echo "skipped (needs clang >= 18): $name"; continue ;; esac
  if "$CLANG" -O2 -g --target=bpf -mcpu=v3 -D__TARGET_ARCH_x86 -I"$WORK/libbpf" -I"$WORK" -I"/usr/include/$MULTIARCH" \
      -I"$PROGS/.." -I"$SRC/tools/include/uapi" -c "$c" -o "$OBJ/$name.o" 2>>"$WORK/compile.log"; then
    ok=$((ok + 1))
  else
    failed=$((failed + 1))
    echo "not compiled by $("$CLANG" --version | head -n 1): $name" | tee -a "$WORK/not-compiled.txt"
  fi
done
echo "compiled $ok verifier_*.c files, $failed failed (see $WORK/compile.log)"
if [ "$failed" -ne 0 ]; then
  echo "verifier-selftests: $failed files did not compile with $CLANG" >&2
  exit 1
fi
FLOOR=$(sed -n "s/^programs \([0-9]*\).*/\1/p" "$ROOT/.ci/verifier-selftests.floor")

cd "$ROOT"
XDPEMU_SELFTESTS="$OBJ" exec mvn -q -B -o test -pl verifier -am -Dtest=KernelSelftestsTest \
  -Dsurefire.failIfNoSpecifiedTests=false -Dxdpemu.selftests="$OBJ" \
  -Dxdpemu.selftests.floor="$FLOOR"
