#!/usr/bin/env bash
# Long runs of the generated-program differential against the kernel's verifier
# (verifier/.../differential/VerifierDifferentialTest; CI runs 20,000 programs from seed 1 inside
# `mvn verify`). Needs root, gcc and a kernel with bpf(); nothing is pinned or left behind.
#
#   .ci/verifier-fuzz.sh [COUNT [SEED]]      default: 200000 programs from seed 2
#   .ci/verifier-fuzz.sh --dump SEED         both verifier logs for one generated program
#
# Every finding prints the program (disassembly), the kernel's and xdpemu's verdicts; turn each
# class into a test in verifier/.../SoundnessRegressionTest with the kernel's message.
set -euo pipefail
cd "$(dirname "$0")/.."
export XDPEMU_REQUIRE_KERNEL=1
props=()
if [ "${1:-}" = "--dump" ]; then
  props+=("-Dxdpemu.verifierFuzz.dump=${2:?--dump needs a seed}")
else
  props+=("-Dxdpemu.verifierFuzz.count=${1:-200000}" "-Dxdpemu.verifierFuzz.seed=${2:-2}")
fi
uptime
exec mvn -B -q -pl verifier -am -Dspotless.check.skip=true -Dsurefire.failIfNoSpecifiedTests=false \
  -Dtest=VerifierDifferentialTest "${props[@]}" test
