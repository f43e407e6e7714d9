#!/usr/bin/env bash
# A/B of the lanes' steering in one jar: -Dxdpemu.lanes=own (every lane steers every frame) vs shared.
cd /work/wt9/lanes || exit 1
echo -20 > /proc/self/autogroup
A=${JAR:-benchmarks/target/benchmarks.jar}
ts() { echo "== $(date -u +%H:%M:%S) $(uptime | sed 's/.*load/load/')"; }
for r in ${ROUNDS:-1 2}; do for m in own shared; do
  ts; echo "-- mode $m round $r"
  java -jar $A 'ReplayBench.replay$' -p program=xdp_drop -p engine=jit -p nic=${NICS:-plain,mynic-v2} -p queues=1,2 -p fwEngine=compiled -f ${FORKS:-2} -wi 3 -i 3 -w 1s -r 1s -jvmArgsAppend "-Dxdpemu.lanes=$m" 2>&1 | grep -E "^ReplayBench"
done; done; ts
