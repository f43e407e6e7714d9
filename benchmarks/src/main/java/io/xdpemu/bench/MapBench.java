package io.xdpemu.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link MapOps} under JMH: ns per bpf_map_lookup_elem / bpf_map_update_elem (BPF_ANY, present key)
 * as the JIT's bound call makes it, per map type, keys shaped as the examples'. Run: {@code java
 * -jar benchmarks/target/benchmarks.jar MapBench -prof gc} (the lookups allocate nothing).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = BenchInputs.LAUNCHER_JVM)
public class MapBench {
  @Param({"array", "percpu_array", "hash", "lru_hash", "lpm_trie"})
  public String type;

  private MapOps ops;

  @Setup
  public void setUp() {
    ops = new MapOps(type);
  }

  @Benchmark
  public long lookup() {
    return ops.lookup();
  }

  @Benchmark
  public long update() {
    return ops.update();
  }
}
