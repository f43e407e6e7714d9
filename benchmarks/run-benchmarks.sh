#!/usr/bin/env bash
# Runs every JMH benchmark of benchmarks.jar with the settings RESULTS.md was made with, one JSON
# file per group under OUT (default benchmarks/target/results/DATE), with -prof gc everywhere (it
# only reads the JVM's allocation counters) and the load average before and after each group in
# OUT/load.txt. Short iterations, one fork: meant for a 2-core machine shared with other work.
#
# Usage: benchmarks/run-benchmarks.sh [-o OUT] [GROUP...]
#   GROUP: interpreter program nic replay load btf corpus corpus-slow (default: all but corpus-slow)
# Then: python3 benchmarks/results-table.py OUT   prints the Markdown tables.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/benchmarks/target/results/$(date -u +%Y%m%dT%H%M%SZ)"
if [ "${1:-}" = "-o" ]; then OUT=$2; shift 2; fi
GROUPS_TO_RUN=("$@")
[ ${#GROUPS_TO_RUN[@]} -gt 0 ] || GROUPS_TO_RUN=(interpreter program nic replay load btf corpus)
JAR="$ROOT/benchmarks/target/benchmarks.jar"
[ -f "$JAR" ] || (cd "$ROOT" && mvn -q -B -o package -pl benchmarks -am -DskipTests)
mkdir -p "$OUT"
cd "$ROOT"

jmh() {  # $1 = group name, rest = JMH arguments
  local name=$1
  shift
  echo "$name start $(date -u +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/load.txt"
  echo "== $name: java -jar benchmarks/target/benchmarks.jar $* -prof gc" | tee -a "$OUT/commands.txt"
  java -jar "$JAR" "$@" -prof gc -rf json -rff "$OUT/$name.json" > "$OUT/$name.log" 2>&1 \
    || { echo "$name failed, see $OUT/$name.log" >&2; tail -n 20 "$OUT/$name.log" >&2; }
  echo "$name end   $(date -u +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/load.txt"
}

for g in "${GROUPS_TO_RUN[@]}"; do
  case "$g" in
    interpreter) jmh interpreter 'InterpreterBench' -f 1 -wi 3 -i 5 -w 1s -r 1s ;;
    program) jmh program 'ProgramBench' -f 1 -wi 3 -i 3 -w 1s -r 1s ;;
    nic) jmh nic 'NicBench' -f 1 -wi 3 -i 3 -w 1s -r 1s ;;
    replay)
      jmh replay 'ReplayBench.replay$' -f 1 -wi 3 -i 3 -w 1s -r 1s
      # The baseline does not depend on the parameters: once is enough.
      jmh replay-baseline 'ReplayBench.baseline$' -p program=xdp_drop -p queues=1 -p nic=plain \
        -f 1 -wi 3 -i 3 -w 1s -r 1s ;;
    load) jmh load 'LoadBench' -f 1 -wi 2 -i 2 -w 1s -r 1s ;;
    btf) jmh btf 'BtfParseBench' -f 1 -wi 3 -i 3 -w 2s -r 2s ;;
    corpus) jmh corpus 'CorpusVerifyBench' -p set=fast -f 1 -wi 2 -i 3 -w 1s -r 1s ;;
    corpus-slow) jmh corpus-slow 'CorpusVerifyBench.verify$' -p set=unsafe_05 -bm ss -f 1 -wi 1 -i 2 ;;
    *) echo "unknown group $g" >&2; exit 2 ;;
  esac
done
echo "results in $OUT"
