package io.xdpemu.bench;

import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.ebpf.elf.BpfObjectReader;
import io.xdpemu.ebpf.elf.ProgramSpec;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.verifier.ObjectProgramInfo;
import io.xdpemu.verifier.ProgramInfo;
import io.xdpemu.verifier.Verifier;
import io.xdpemu.verifier.VerifierOptions;
import io.xdpemu.verifier.VerifierResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Verification time per program, to set beside the kernel's own {@code verification time N usec}
 * for the same objects (Linux 6.18 on the test machine, `bpftool -d prog load`: xdp_alu 8394 insns,
 * xdp_calls 291, xdp_counter 59, xdp_bounce 152). The log is off (level 0), as a loader that does
 * not ask for one.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar VerifierBench -f 1 -wi 3 -i 5 -w 1s -r
 * 1s} from the repository root (objects are read from {@code examples/}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class VerifierBench {
  @Param({"xdp_alu", "xdp_calls", "xdp_counter", "xdp_bounce"})
  public String example;

  private Insn[] insns;
  private VerifierOptions options;

  @Setup
  public void load() throws Exception {
    Path o = Paths.get("examples", example + ".o");
    BpfObject obj = BpfObjectReader.read(o.getFileName().toString(), Files.readAllBytes(o));
    ProgramSpec spec = obj.program(null);
    ProgramInfo info = ObjectProgramInfo.of(obj, spec);
    insns = spec.insns();
    options = new VerifierOptions(true, 0, info, VerifierOptions.COMPLEXITY_LIMIT_INSNS);
  }

  @Benchmark
  public VerifierResult verify() {
    return Verifier.verify(insns, options);
  }
}
