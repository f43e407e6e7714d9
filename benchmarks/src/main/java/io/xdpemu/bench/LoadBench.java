package io.xdpemu.bench;

import io.xdpemu.ebpf.btf.BaseBtf;
import io.xdpemu.ebpf.core.CoreRelocator;
import io.xdpemu.ebpf.core.CoreTarget;
import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.ebpf.elf.BpfObjectReader;
import io.xdpemu.runtime.LoadOptions;
import io.xdpemu.runtime.LoadPipeline;
import io.xdpemu.runtime.TargetBtf;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The load pipeline per example object, stage by stage, in microseconds per load:
 *
 * <ul>
 *   <li>{@link #readElf}: ELF sections, BTF, .BTF.ext, programs, maps, relocations, from bytes in
 *       memory.
 *   <li>{@link #coreRelocate}: CO-RE relocation against the target BTF (the host's vmlinux, already
 *       parsed; for {@code xdp_hints}, vmlinux + the split BTF of firmware mynic-v2) with a fresh
 *       {@link CoreTarget}, as every load and every firmware swap does. The by-name candidate index
 *       over vmlinux's 126k types is kept per BTF object (CoreTarget's own cache), so after the
 *       first load this no longer rebuilds it; before that cache it cost ~250 ms per load.
 *   <li>{@link #coreRelocateIndexed}: the same with one target reused (the two should agree).
 *   <li>{@link #verify}: the verifier over the relocated program, privileged, log level 1 (as the
 *       load pipeline runs it).
 *   <li>{@link #load}: {@code LoadPipeline.load} end to end from the file (ELF, CO-RE, maps,
 *       linkage, verifier, engine preparation), the work behind every {@code xdpemu} command. The
 *       base BTF is parsed once per JVM and cached (see {@link BtfParseBench} for its cost).
 * </ul>
 *
 * <p>{@link #baseline} hands the inputs to the Blackhole: everything but the work.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar LoadBench -f 1 -wi 2 -i 3 -w 1s -r 1s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsPrepend = BenchInputs.LAUNCHER_JVM)
public class LoadBench {
  @Param({
    "xdp_pass",
    "xdp_drop",
    "xdp_counter",
    "xdp_bounce",
    "xdp_calls",
    "xdp_meta",
    "xdp_alu",
    "xdp_hints"
  })
  public String program;

  private LoadOptions options;
  private String fileName;
  private byte[] elf;
  private BpfObject object;
  private String name;
  private CoreTarget indexedTarget;
  private LoadPipeline.Relocated relocated;
  private io.xdpemu.ebpf.btf.Btf targetBtf;

  @Setup
  public void setup() {
    options = BenchInputs.loadOptions(program, "interp");
    try {
      elf = Files.readAllBytes(options.object());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    fileName = options.object().getFileName().toString();
    BaseBtf.load(null);
    targetBtf = TargetBtf.of(options);
    relocated = LoadPipeline.relocate(options, targetBtf);
    object = relocated.object();
    name = relocated.spec().name();
    indexedTarget = new CoreTarget(relocated.target());
    if (object.btfExt() != null) {
      CoreRelocator.relocate(object, indexedTarget, name);
    }
  }

  @Benchmark
  public BpfObject readElf() {
    return BpfObjectReader.read(fileName, elf);
  }

  @Benchmark
  public Object coreRelocate() {
    return object.btfExt() == null
        ? null
        : CoreRelocator.relocate(object, new CoreTarget(relocated.target()), name);
  }

  @Benchmark
  public Object coreRelocateIndexed() {
    return object.btfExt() == null ? null : CoreRelocator.relocate(object, indexedTarget, name);
  }

  @Benchmark
  public Object verify() {
    return LoadPipeline.verify(options, object, relocated.spec(), relocated.insns(), 1);
  }

  @Benchmark
  public LoadPipeline.Loaded load() {
    return LoadPipeline.load(options, 1, targetBtf);
  }

  @Benchmark
  public void baseline(Blackhole bh) {
    bh.consume(elf);
    bh.consume(object);
    bh.consume(relocated);
  }
}
