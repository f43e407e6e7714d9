#!/usr/bin/env bash
# Wave 11: the JVM with and without compressed references (-XX:-UseCompressedOops, now the
# launcher's and the benchmarks' default), same jar, interleaved. Run from the repository root on a
# quiet machine after `mvn -q package -DskipTests` and one `./xdpemu --help` (the archive), with
# BEFORE=<a checkout whose ./xdpemu starts the JVM with compressed references> and a 5M-packet
# capture at /tmp/gen5m.pcap (./xdpemu gen-pcap --count 5000000 --out /tmp/gen5m.pcap).
set -u
J=benchmarks/target/benchmarks.jar
COOPS=-XX:+UseCompressedOops
stamp() { echo "## $(date -u +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg)"; }
stamp
java -cp $J io.xdpemu.bench.TwinReplay plain 2 8 1000
for round in 1 2; do
  for mode in compressed uncompressed; do
    pre=(); [ $mode = compressed ] && pre=(-jvmArgsPrepend $COOPS)
    stamp; echo "-- $mode"
    java -jar $J 'ReplayBench.replay$' -p program=xdp_drop -p queues=1,2 -p nic=plain,mynic-v2 -p engine=jit \
      -p fwEngine=compiled -f 2 -wi 3 -i 3 -w 1s -r 1s "${pre[@]}" 2>&1 | grep -E "^ReplayBench|VM options" | sort -u
    java -jar $J 'NicBench.(receive|steer|steerQueueOnly)$' -p firmware=plain,mynic-v2 -p fwEngine=compiled \
      -f 2 -wi 3 -i 3 -w 1s -r 1s "${pre[@]}" 2>&1 | grep -E "^NicBench"
  done
done
for i in 1 2 3; do
  for who in before after; do
    stamp; echo "-- CLI $who: xdpemu run examples/xdp_drop.o --pcap /tmp/gen5m.pcap --firmware mynic-v2 (4 queues)"
    dir=.; [ $who = before ] && dir=$BEFORE
    "$dir/xdpemu" run examples/xdp_drop.o --pcap /tmp/gen5m.pcap --firmware examples/firmware/mynic-v2.json 2>&1 \
      | grep -E 'Duration|Wall|Average'
  done
done
stamp
java -cp $J io.xdpemu.bench.TwinReplay plain 2 8 1000
stamp
