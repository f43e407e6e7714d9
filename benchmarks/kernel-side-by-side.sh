#!/usr/bin/env bash
# Kernel vs xdpemu, side by side (issue 8 item 3): for each example object, the same packet is run
#   in the kernel:  bpftool prog run pinned PIN data_in F repeat N
#   in xdpemu:      ./xdpemu test-run OBJ --prog NAME --data-in F --repeat N
# interleaved (kernel, xdpemu, kernel, xdpemu, ...) for R rounds, so that both see the same machine
# state over time. Each side reports its own average ns per run (the kernel: BPF_PROG_TEST_RUN's
# duration; xdpemu: after warm-up, per the CLI contract); the table shows the median over rounds
# and the ratio xdpemu/kernel, and under it every round's figures (a median hides a bimodal
# program). The xdpemu column reads "n/a" when test-run fails (the message goes to stderr), so the
# kernel column is still useful on its own.
#
# Needs: root, bpftool, bpffs (mounted at /sys/fs/bpf if it is not), xxd, java + maven (./xdpemu).
# The last row is the geometric mean of the ratios (the issue-13 goal: <= 1.0x, and <= 1.5x on each
# program). xdpemu's figure is the steady-state average `test-run --help` describes (compiled and
# warmed up before timing; result and packet consumed on every run).
# Before/after in one run: BEFORE_JAR=/path/to/old-xdpemu.jar adds a column timed with that jar
# (java -jar), interleaved with the others (kernel, before, xdpemu, kernel, before, ...);
# XDPEMU_JAR=/path/to/xdpemu.jar times that jar instead of ./xdpemu (a frozen build).
# Usage: benchmarks/kernel-side-by-side.sh [-n REPEAT] [-r ROUNDS] [-e ENGINE] [PROGRAM-GLOB]
#        e.g. benchmarks/kernel-side-by-side.sh -n 1000000 -r 5 -e jit 'xdp_*'
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPEAT=100000
ROUNDS=3
ENGINE=jit
while getopts "n:r:e:h" opt; do
  case "$opt" in
    n) REPEAT=$OPTARG ;;
    r) ROUNDS=$OPTARG ;;
    e) ENGINE=$OPTARG ;;
    *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
GLOB=${1:-*}

for tool in bpftool xxd awk; do
  command -v "$tool" >/dev/null || { echo "kernel-side-by-side: $tool not found" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "kernel-side-by-side: needs root (bpftool prog load/run)" >&2; exit 2; }
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf || exit 2

WORK=$(mktemp -d)
PIN=/sys/fs/bpf/xdpemu_sbs_$$
cleanup() { rm -f "$PIN"; rm -rf "$WORK"; }
trap cleanup EXIT

# One frame for every program: Ethernet / IPv4 (valid header checksum) / UDP 33333 -> 53,
# 18 bytes of payload; 60 bytes, the minimum Ethernet frame without FCS.
FRAME_HEX="02000000000b02000000000a08004500002e1234000040119ce00a000001c0a8010282350035001a0df568656c6c6f2c20776f726c64212121212121"
PACKET=$WORK/packet.bin
echo "$FRAME_HEX" | xxd -r -p > "$PACKET"

# Prints the average ns per run from bpftool's or xdpemu's one-line report, else nothing.
#   bpftool 7.x: "Return value: 2, duration: 18ns" or "... duration (average): 18ns"
parse_ns() { sed -n 's/.*duration[^:]*: *\([0-9][0-9]*\) *ns.*/\1/p' | head -n 1; }

kernel_ns() {  # $1 = pinned program
  bpftool prog run pinned "$1" data_in "$PACKET" repeat "$REPEAT" 2>&1 | parse_ns
}

BEFORE_JAR=${BEFORE_JAR:-}

emulator_ns() {  # $1 = object, $2 = program [, $3 = jar instead of ./xdpemu]
  local out launcher=("$ROOT/xdpemu") jar=${3:-${XDPEMU_JAR:-}}
  [ -n "$jar" ] && launcher=(java ${XDPEMU_JAVA_OPTS:--XX:+UseParallelGC} -jar "$jar")
  if ! out=$("${launcher[@]}" test-run "$1" --prog "$2" --data-in "$PACKET" --repeat "$REPEAT" \
      --engine "$ENGINE" 2>&1); then
    echo "xdpemu test-run $(basename "$1") failed: $(echo "$out" | tail -n 1)" >&2
    return
  fi
  echo "$out" | parse_ns
}

median() { sort -n | awk '{v[NR]=$1} END{ if (NR==0) print ""; else if (NR%2) print v[(NR+1)/2]; else print int((v[NR/2]+v[NR/2+1])/2) }'; }

cpu=$(sed -n 's/^model name[^:]*: *//p' /proc/cpuinfo | head -n 1)
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), Linux $(uname -r), ${cpu:-unknown CPU} x $(nproc), $(java -version 2>&1 | head -n 1)"
echo "$(bpftool version | head -n 1), engine $ENGINE, repeat $REPEAT, $ROUNDS rounds (median), frame 60 bytes, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: benchmarks/kernel-side-by-side.sh -n $REPEAT -r $ROUNDS -e $ENGINE '$GLOB'"
echo
if [ -n "$BEFORE_JAR" ]; then
  echo "before: $BEFORE_JAR"
  echo
  echo "| program | kernel ns | before ns | xdpemu ns | before / kernel | xdpemu / kernel |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
else
  echo "| program | kernel ns | xdpemu ns | xdpemu / kernel |"
  echo "| --- | ---: | ---: | ---: |"
fi
for obj in "$ROOT"/examples/$GLOB.o; do
  [ -f "$obj" ] || continue
  name=$(basename "$obj" .o)
  if ! bpftool prog load "$obj" "$PIN" type xdp 2>"$WORK/load.err"; then
    echo "| $name | load failed | | |"
    sed 's/^/  /' "$WORK/load.err" | tail -n 5 >&2
    continue
  fi
  : > "$WORK/k"; : > "$WORK/e"; : > "$WORK/b"
  emulator_ok=1
  for _ in $(seq "$ROUNDS"); do
    kernel_ns "$PIN" >> "$WORK/k"
    [ -n "$BEFORE_JAR" ] && emulator_ns "$obj" "$name" "$BEFORE_JAR" >> "$WORK/b"
    if [ $emulator_ok = 1 ]; then  # after one failure, the remaining rounds would fail the same way
      before=$(wc -l < "$WORK/e")
      emulator_ns "$obj" "$name" >> "$WORK/e"
      [ "$(wc -l < "$WORK/e")" -gt "$before" ] || emulator_ok=0
    fi
  done
  rm -f "$PIN"
  # Every round's figure, printed under the table: a median hides a bimodal program.
  echo "$name: kernel $(tr '\n' ' ' < "$WORK/k")${BEFORE_JAR:+| before $(tr '\n' ' ' < "$WORK/b")}| xdpemu $(tr '\n' ' ' < "$WORK/e")" >> "$WORK/rounds"
  k=$(median < "$WORK/k"); e=$(median < "$WORK/e"); b=$(median < "$WORK/b")
  if [ -n "$k" ] && [ -n "$e" ] && [ "$k" -gt 0 ]; then
    ratio=$(awk -v e="$e" -v k="$k" 'BEGIN{printf "%.2fx", e/k}')
    echo "$e $k" >> "$WORK/ratios"
  else
    ratio="n/a"
  fi
  if [ -n "$BEFORE_JAR" ]; then
    bratio=n/a
    if [ -n "$k" ] && [ -n "$b" ] && [ "$k" -gt 0 ]; then
      bratio=$(awk -v e="$b" -v k="$k" 'BEGIN{printf "%.2fx", e/k}')
    fi
    echo "| $name | ${k:-n/a} | ${b:-n/a} | ${e:-n/a} | $bratio | $ratio |"
  else
    echo "| $name | ${k:-n/a} | ${e:-n/a} | $ratio |"
  fi
done
if [ -s "$WORK/ratios" ]; then
  # A 0 ns figure would make the mean meaningless: count it as 1 ns (both sides report integers).
  awk '{e = $1 < 1 ? 1 : $1; s += log(e / $2); n++; if (e / $2 > worst) { worst = e / $2 }}
       END { printf "| geomean (%d programs; worst %.2fx) | | | %.2fx |\n", n, worst, exp(s / n) }' \
    "$WORK/ratios"
fi
echo
if [ -s "$WORK/rounds" ]; then
  echo "ns per round, in the order run:"
  sed 's/^/  /' "$WORK/rounds"
  echo
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
