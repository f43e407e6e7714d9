package io.xdpemu.bench;

import io.xdpemu.ebpf.btf.BaseBtf;
import io.xdpemu.ebpf.btf.Btf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parsing the running kernel's BTF ({@code /sys/kernel/btf/vmlinux}, about 5 MB and 126k types on
 * Linux 6.18), in milliseconds: the first thing every command that loads a program does (once per
 * JVM; {@code BaseBtf} caches it). The bytes are read into memory in {@code @Setup}, so this is the
 * parse (headers, string section, every type record decoded into the model), not the file I/O.
 * {@link #baseline} sinks the bytes.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar BtfParseBench -f 1 -wi 3 -i 5 -w 2s -r
 * 2s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = BenchInputs.LAUNCHER_JVM)
public class BtfParseBench {
  private byte[] vmlinux;

  @Setup
  public void setup() {
    try {
      vmlinux = Files.readAllBytes(BaseBtf.SYSFS_VMLINUX);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read " + BaseBtf.SYSFS_VMLINUX + " (a kernel with CONFIG_DEBUG_INFO_BTF)", e);
    }
  }

  @Benchmark
  public Btf parseVmlinux() {
    return Btf.parse(vmlinux);
  }

  @Benchmark
  public void baseline(Blackhole bh) {
    bh.consume(vmlinux);
  }
}
