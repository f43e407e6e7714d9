package io.xdpemu.cli;

import io.xdpemu.ebpf.IoReasons;
import io.xdpemu.ebpf.UsageException;
import io.xdpemu.runtime.LoadOptions;
import io.xdpemu.runtime.LoadPipeline;
import io.xdpemu.runtime.OutputFiles;
import io.xdpemu.runtime.TargetBtf;
import io.xdpemu.runtime.TestRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code xdpemu test-run PROG.o --data-in FILE [--meta-in FILE] [--repeat N] [--data-out FILE]
 * [--maps-out FILE]}: {@code bpftool prog run} for the emulator; prints exactly {@code Return
 * value: R, duration (average): Tns}.
 */
@Command(
    name = "test-run",
    description =
        "Run one packet, like bpftool prog run; prints \"Return value: R, duration (average):"
            + " Tns\".")
final class TestRunCommand extends Subcommand {
  @Parameters(paramLabel = "PROG.o", description = "the BPF object")
  String object;

  @Option(
      names = "--data-in",
      paramLabel = "FILE",
      description = "the packet (starting with its Ethernet header)")
  String dataIn;

  @Option(
      names = "--meta-in",
      paramLabel = "FILE",
      description = "metadata placed right before the packet")
  String metaIn;

  @Option(
      names = "--repeat",
      paramLabel = "N",
      description = "runs (default 1); maps and frame persist across them. " + TestRun.WARM_UP_RULE)
  long repeatRuns = 1;

  @Option(
      names = "--data-out",
      paramLabel = "FILE",
      description = "write metadata + packet after the run")
  String dataOut;

  @Option(
      names = "--maps-out",
      paramLabel = "FILE",
      description = "write the final maps (maps.json format)")
  String mapsOut;

  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    LoadOptions o = common.load(object);
    if (dataIn == null) {
      throw new UsageException("'xdpemu test-run' needs --data-in FILE");
    }
    byte[] data = read(CommonOptions.readable(dataIn, "data-in"));
    byte[] meta = metaIn != null ? read(CommonOptions.readable(metaIn, "meta-in")) : new byte[0];
    int repeat = (int) CommonOptions.inRange("--repeat", repeatRuns, 1, Integer.MAX_VALUE);
    int cpus = TestRun.possibleCpus();
    // With --firmware the program is relocated against the firmware's BTF; the metadata itself
    // comes from --meta-in, as in the kernel's test run.
    io.xdpemu.ebpf.btf.Btf target = TargetBtf.of(o);
    LoadPipeline.Loaded loaded = LoadPipeline.load(o, cpus, target);
    List<LoadPipeline.Loaded> warmups = new ArrayList<>();
    for (int i = 0; i < TestRun.warmUpCopies(repeat); i++) {
      warmups.add(LoadPipeline.load(o, cpus, target));
    }
    loaded.object().warnings().forEach(w -> err.println("xdpemu: warning: " + w));
    TestRun.Result r = TestRun.run(loaded, meta, data, repeat, warmups);
    try (OutputFiles files = new OutputFiles()) {
      if (dataOut != null) {
        byte[] both = new byte[r.metaOut().length + r.dataOut().length];
        System.arraycopy(r.metaOut(), 0, both, 0, r.metaOut().length);
        System.arraycopy(r.dataOut(), 0, both, r.metaOut().length, r.dataOut().length);
        Files.write(files.temp(Path.of(dataOut)), both);
      }
      if (mapsOut != null) {
        Files.writeString(files.temp(Path.of(mapsOut)), loaded.mapsJson());
      }
      files.commit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.println("Return value: " + r.retval() + ", duration (average): " + r.durationNs() + "ns");
    return 0;
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UsageException("cannot read " + p + ": " + IoReasons.of(e));
    }
  }
}
