#!/bin/sh
# Kernel verifier selftests as an external suite for xdpemu's verifier (issue 5, part 4b).
#
# Downloads Debian's linux-source-6.12 (never committed: GPL-2.0 sources stay in target/),
# extracts tools/testing/selftests/bpf/progs/verifier_*.c, compiles every file that clang can
# build (clang 14: a few files need newer asm syntax and are reported as not compiled), then runs
# the JUnit harness KernelSelftestsTest over the XDP programs. Expectations come from the
# __success/__failure/__msg BTF decl tags inside each object.
#
# Usage: .ci/verifier-selftests.sh            (from the repository root; needs apt, clang, bpftool)
# Env:   XDPEMU_SELFTESTS_DIR  work directory (default verifier/target/selftests)
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
    'linux-source-6.12/tools/include'
  rm -f usr/src/linux-source-6.12.tar.xz
fi

# vmlinux.h for the files that include it: from the running kernel when it exposes BTF.
if [ ! -s "$WORK/vmlinux.h" ] && [ -r /sys/kernel/btf/vmlinux ]; then
  bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$WORK/vmlinux.h"
fi

# -target bpf makes glibc headers look for the 32-bit stubs, which 64-bit hosts do not install.
mkdir -p "$WORK/gnu"
[ -f "$WORK/gnu/stubs-32.h" ] || : > "$WORK/gnu/stubs-32.h"

MULTIARCH=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
PROGS=$SRC/tools/testing/selftests/bpf/progs
ok=0; failed=0
: > "$WORK/compile.log"
for c in "$PROGS"/verifier_*.c; do
  name=$(basename "$c" .c)
  if clang -O2 -g --target=bpf -mcpu=v3 -D__TARGET_ARCH_x86 -I"$WORK" -I"/usr/include/$MULTIARCH" \
      -I"$PROGS/.." -I"$SRC/tools/include/uapi" -c "$c" -o "$OBJ/$name.o" 2>>"$WORK/compile.log"; then
    ok=$((ok + 1))
  else
    failed=$((failed + 1))
    echo "not compiled by $(clang --version | head -n 1): $name" | tee -a "$WORK/not-compiled.txt"
  fi
done
echo "compiled $ok verifier_*.c files, $failed failed (see $WORK/compile.log)"

cd "$ROOT"
XDPEMU_SELFTESTS="$OBJ" exec mvn -q -B -o test -pl verifier -am -Dtest=KernelSelftestsTest \
  -Dsurefire.failIfNoSpecifiedTests=false -Dxdpemu.selftests="$OBJ"
