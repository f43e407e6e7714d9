#!/usr/bin/env bash
# Verification time, kernel vs xdpemu, side by side (issue 11 item 4): the ten largest programs of
# ../shared/realworld (by the kernel's processed count) and the 1M-instruction rejection of the
# verifier corpus (unsafe_05_unbounded_loop: "BPF program is too large").
#   kernel:  the running kernel's own "verification time N usec" at log_level 4 (BPF_LOG_STATS),
#            printed by xdp-runtime/src/test/c/kernel-verdict.c (the loader of
#            RealWorldKernelAgreementTest: libbpf, nothing pinned, every fd closed at its exit);
#            ROUNDS loads per program before and ROUNDS after the JMH run, median of all.
#   xdpemu:  JMH RealworldVerifyBench in process (the verifier alone, log level 0 = statistics only,
#            like log_level 4), mean and best iteration.
# Both are wall-clock figures of the same machine in the same run; the load average is printed
# before and after. Needs root, gcc, libbpf-dev, clang (BPF target), java; builds the JMH jar when
# it is missing (mvn -o package -pl benchmarks -am -DskipTests, never install).
# Usage: benchmarks/verifier-side-by-side.sh [-r ROUNDS] [-i ITERATIONS] [-l LOG_LEVEL] [-j JAR]
#   -l 1 times xdpemu with the CLI's log (level 1) instead; -j times another benchmarks.jar.
#   JAVA_OPTS="-Djmh.ignoreLock=true" runs even while another JMH holds /tmp/jmh.lock (a loaded
#   machine: the figures then measure the contention too, the kernel's as well as ours).
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="$ROOT/../shared"
ROUNDS=5
ITER=5
LEVEL=0
JAR="$ROOT/benchmarks/target/benchmarks.jar"
while getopts "r:i:l:j:h" opt; do
  case "$opt" in
    r) ROUNDS=$OPTARG ;;
    i) ITER=$OPTARG ;;
    l) LEVEL=$OPTARG ;;
    j) JAR=$OPTARG ;;
    *) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "verifier-side-by-side: needs root (BPF_PROG_LOAD)" >&2; exit 2; }
[ -d "$SHARED/realworld/objects" ] || { echo "verifier-side-by-side: $SHARED/realworld missing" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# the same ten as RealworldVerifyBench's @Param list, then the corpus's 1M-insn rejection
PROGRAMS=(
  "xdp-tools/xdp-trafficgen/xdp_trafficgen.bpf.o:xdp_handle_tcp_recv"
  "xdp-tools/xdp-filter/xdpfilt_dny_all.o:xdpfilt_dny_all"
  "xdp-tools/xdp-filter/xdpfilt_alw_all.o:xdpfilt_alw_all"
  "xdp-tools/xdp-filter/xdpfilt_dny_ip.o:xdpfilt_dny_ip"
  "xdp-tools/xdp-filter/xdpfilt_alw_ip.o:xdpfilt_alw_ip"
  "xdp-tutorial/experiment01-tailgrow/xdp_prog_kern2.o:_xdp_end_loop"
  "bpf-examples/xdp-synproxy/xdp_synproxy_kern.o:syncookie_xdp"
  "xdp-tools/xdp-filter/xdpfilt_dny_tcp.o:xdpfilt_dny_tcp"
  "xdp-tools/xdp-filter/xdpfilt_dny_udp.o:xdpfilt_dny_udp"
  "xdp-tools/xdp-filter/xdpfilt_alw_tcp.o:xdpfilt_alw_tcp"
  "corpus:unsafe_05_unbounded_loop.c:prog"
)

gcc -O2 -Wall "$ROOT/xdp-runtime/src/test/c/kernel-verdict.c" -lbpf -lelf -lz \
  -o "$WORK/kernel-verdict" || exit 2
MULTIARCH=x86_64-linux-gnu
[ -d /usr/include/aarch64-linux-gnu/asm ] && MULTIARCH=aarch64-linux-gnu
clang -O2 -g -target bpf -I/usr/include/$MULTIARCH -c \
  "$SHARED/verifier-corpus/src/unsafe_05_unbounded_loop.c" -o "$WORK/unsafe_05.o" || exit 2
if [ ! -f "$JAR" ]; then
  (cd "$ROOT" && mvn -q -B -o package -pl benchmarks -am -DskipTests -Dspotless.check.skip=true) || exit 2
fi

object_of() {  # $1 = program id -> "OBJECT PROG"
  local id=$1 prog=${1##*:} obj=${1%:*}
  case "$obj" in
    corpus:*) echo "$WORK/unsafe_05.o $prog" ;;
    *) echo "$SHARED/realworld/objects/$obj $prog" ;;
  esac
}

kernel_round() {  # appends "id usec processed" lines to $WORK/kernel.txt
  for id in "${PROGRAMS[@]}"; do
    # shellcheck disable=SC2046
    out=$(KV_DEBUG=1 "$WORK/kernel-verdict" $(object_of "$id") 2>&1)
    usec=$(echo "$out" | sed -n 's/^verification time \([0-9]*\) usec.*/\1/p' | head -n 1)
    proc=$(echo "$out" | sed -n 's/^processed \([0-9]*\) insns.*/\1/p' | head -n 1)
    echo "$id ${usec:-nan} ${proc:-nan}" >> "$WORK/kernel.txt"
  done
}

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) CPUs, $(java -version 2>&1 | head -n 1)"
echo "load before: $(uptime | sed 's/.*load average: //')"
for _ in $(seq "$ROUNDS"); do kernel_round; done
IDS=$(IFS=,; echo "${PROGRAMS[*]}")
# shellcheck disable=SC2086
java ${JAVA_OPTS:-} -jar "$JAR" RealworldVerifyBench -p program="$IDS" -p logLevel="$LEVEL" \
  -f 1 -wi 3 -i "$ITER" -w 1s -r 1s -rf json -rff "$WORK/jmh.json" > "$WORK/jmh.txt" 2>&1 \
  || { tail -n 30 "$WORK/jmh.txt" >&2; exit 1; }
for _ in $(seq "$ROUNDS"); do kernel_round; done
echo "load after:  $(uptime | sed 's/.*load average: //')"
echo "command: benchmarks/verifier-side-by-side.sh -r $ROUNDS -i $ITER -l $LEVEL"
python3 - "$WORK/kernel.txt" "$WORK/jmh.json" <<'EOF'
import json, statistics, sys
kernel = {}
for line in open(sys.argv[1]):
    pid, usec, proc = line.split()
    if usec != "nan":
        kernel.setdefault(pid, ([], proc))[0].append(int(usec))
rows = json.load(open(sys.argv[2]))
print("| program | kernel processed | kernel ms (median) | xdpemu ms (mean ± err) | xdpemu best | xdpemu / kernel |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
ratios = []
for r in rows:
    pid = r["params"]["program"]
    m = r["primaryMetric"]
    best = min(x for it in m["rawData"] for x in it)
    k = kernel.get(pid)
    kms = statistics.median(k[0]) / 1000 if k else float("nan")
    ratio = m["score"] / kms if k else float("nan")
    ratios.append(ratio)
    name = pid.split(":")[1] + " (1M-insn rejection)" if pid.startswith("corpus:") else pid.split(":")[-1]
    print(f"| {name} | {k[1] if k else '?'} | {kms:.1f} | {m['score']:.1f} ± {m['scoreError']:.1f} | {best:.1f} | {ratio:.2f}x |")
good = [x for x in ratios if x == x]
if good:
    print(f"| geomean ({len(good)} programs; worst {max(good):.2f}x) | | | | | {statistics.geometric_mean(good):.2f}x |")
EOF
