#!/usr/bin/env bash
# Quiet-machine measurements for the wave-8 closing note (run with nothing else running; autogroup -20).
cd /work/wt8/integ || exit 1
echo -20 > /proc/self/autogroup
O=/work/wt/_notes/m8/out; mkdir -p $O
B=/work/wt/_notes/before-wave8-benchmarks.jar
BJ=/work/wt/_notes/before-wave8.jar
A=benchmarks/target/benchmarks.jar
ts() { echo "== $(date -u +%H:%M:%S) $(uptime | sed 's/.*load/load/')"; }
{ ts; for j in $B $A; do echo "-- $j"; java -jar $j 'NicBench' -p firmware=plain,mynic-v2 -p fwEngine=compiled -f 3 -wi 3 -i 3 -w 1s -r 1s 2>&1 | grep -E "^Benchmark|NicBench"; ts; done
  echo "-- gc (after)"; java -jar $A 'NicBench.receive' -p firmware=plain,mynic-v2 -p fwEngine=compiled -f 1 -wi 3 -i 3 -w 1s -r 1s -prof gc 2>&1 | grep -E "^Benchmark|NicBench" | grep -E "receive |alloc.rate.norm"; ts; } > $O/nic.txt 2>&1
{ ts; for j in $B $A; do echo "-- $j"; java -jar $j 'ReplayBench.replay$' -p program=xdp_drop -p engine=jit -p nic=plain,mynic-v2 -p queues=1,2 -p fwEngine=compiled -f 4 -wi 3 -i 3 -w 1s -r 1s 2>&1 | grep -E "^Benchmark|ReplayBench"; ts; done
  echo "-- gc (after, 2 queues)"; java -jar $A 'ReplayBench.replay$' -p program=xdp_drop -p engine=jit -p nic=plain,mynic-v2 -p queues=2 -p fwEngine=compiled -f 1 -wi 3 -i 3 -w 1s -r 1s -prof gc 2>&1 | grep -E "replay |alloc.rate.norm"; ts; } > $O/replay.txt 2>&1
{ ts; ls -la /tmp/w7-5m.pcap
  for r in 1 2 3; do for q in default 1 2; do for j in before after; do
    qa=(--queues $q); [ $q = default ] && qa=()
    echo "-- $j mynic-v2 queues $q (run $r)"
    if [ $j = before ]; then java -XX:+UseParallelGC -jar $BJ run examples/xdp_drop.o --pcap /tmp/w7-5m.pcap --firmware examples/firmware/mynic-v2.json "${qa[@]}" 2>&1 | grep -E 'Duration|Wall|Average'
    else ./xdpemu run examples/xdp_drop.o --pcap /tmp/w7-5m.pcap --firmware examples/firmware/mynic-v2.json "${qa[@]}" 2>&1 | grep -E 'Duration|Wall|Average'; fi
  done; done; done
  for q in 1 2; do echo "-- after plain queues $q"; ./xdpemu run examples/xdp_drop.o --pcap /tmp/w7-5m.pcap --queues $q 2>&1 | grep -E 'Duration|Wall|Average'; done
  ts; } > $O/cli-run.txt 2>&1
{ ts; java -cp $A io.xdpemu.bench.TwinReplay plain 2 6 1000 2>&1 | grep round; ts; } > $O/twin.txt 2>&1
echo done > $O/DONE
