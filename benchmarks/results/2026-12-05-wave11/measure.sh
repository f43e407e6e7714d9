#!/usr/bin/env bash
# Wave 11 measurements (issue 12): the hand-written floor under NicBench next to NicBench and the
# replay. Run from the repository root on a quiet machine, after `mvn -q package -DskipTests`; the
# shell's autogroup at nice -20 (echo -20 > /proc/self/autogroup).
set -u
J=benchmarks/target/benchmarks.jar
stamp() { echo "## $(date -u +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg)"; }
stamp
java -cp $J io.xdpemu.bench.TwinReplay plain 2 8 1000
for round in 1 2; do
  stamp
  java -jar $J 'NicFloorBench|NicBench.(receive|steer|steerQueueOnly|baseline)$' -p firmware=plain,mynic-v2 \
    -p fwEngine=compiled -f 2 -wi 3 -i 3 -w 1s -r 1s -prof gc 2>&1 | grep -E "^Nic[a-zA-Z]+\.[a-zA-Z]+ |gc.alloc.rate.norm"
  stamp
  java -jar $J 'ReplayBench.replay$' -p program=xdp_drop -p queues=1,2 -p nic=plain,mynic-v2 -p engine=jit \
    -p fwEngine=compiled -f 2 -wi 3 -i 3 -w 1s -r 1s 2>&1 | grep -E "^ReplayBench"
done
stamp
java -cp $J io.xdpemu.bench.TwinReplay plain 2 8 1000
stamp
