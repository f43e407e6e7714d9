#!/usr/bin/env bash
# Long fuzzing runs: the CI's FormatFuzzTest (xdp-runtime/src/test/java/io/xdpemu/fuzz) with many
# more mutants per format and a seed of your choice. Every mutant must end in success, a rejection
# or the bad-input error naming the file; anything else fails the format and the mutant is kept
# under xdp-runtime/target/fuzz-failures/FORMAT/case-SEED-N.EXT to reproduce it.
#
#   .ci/fuzz-long.sh [CASES [SEED [FORMAT...]]]     FORMAT: elf btf pcap firmware (default: all)
#
# 100,000 mutants per format take about 8 minutes each on a quiet 2-core machine.
set -uo pipefail
cd "$(dirname "$0")/.."
cases=${1:-100000}
seed=${2:-$(date +%s)}
shift 2 2>/dev/null || shift $#
formats=("$@")
[ ${#formats[@]} -eq 0 ] && formats=(elf btf pcap firmware)

declare -A method=(
  [elf]=elfMutantsAreVerifiedOrRefusedNamingTheFile
  [btf]=btfMutantsAreDumpedOrRefusedNamingTheFile
  [pcap]=captureMutantsAreReplayedOrRefusedNamingTheFile
  [firmware]=firmwareMutantsCompileOrAreRefusedNamingTheFile
)
status=0
for f in "${formats[@]}"; do
  m=${method[$f]:-}
  if [ -z "$m" ]; then
    echo "fuzz-long: unknown format '$f' (elf btf pcap firmware)" >&2
    exit 2
  fi
  log=$(mktemp)
  mvn -q -o -pl xdp-runtime -am -Dspotless.check.skip=true -Dsurefire.failIfNoSpecifiedTests=false \
    -Dtest="FormatFuzzTest#$m" -Dxdpemu.fuzz.cases="$cases" -Dxdpemu.fuzz.seed="$seed" test >"$log" 2>&1
  rc=$?
  grep -h "^fuzz $f:" "$log" || { echo "fuzz $f: no report (mvn exit $rc), see $log"; status=1; continue; }
  grep -h "^case " "$log" | head -20
  [ $rc -ne 0 ] && status=1
  rm -f "$log"
done
exit $status
