package io.xdpemu.cli;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.runtime.Attach;
import io.xdpemu.runtime.LoadOptions;
import io.xdpemu.runtime.LoadPipeline;
import io.xdpemu.runtime.OutputFiles;
import io.xdpemu.runtime.TestRun;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code xdpemu test-run PROG.o --data-in FILE [--meta-in FILE] [--repeat N] [--data-out FILE]
 * [--maps-out FILE]}: {@code bpftool prog run} for the emulator; prints exactly {@code Return
 * value: R, duration (average): Tns}.
 */
final class TestRunCommand implements Command {
  static final ArgParser PARSER =
      CommonOptions.register(
          new ArgParser(
                  "test-run",
                  "PROG.o --data-in FILE [--meta-in FILE] [--repeat N]"
                      + " [--data-out FILE] [--maps-out FILE] [options]")
              .positional("PROG.o", "the BPF object")
              .option("--data-in", "FILE", "the packet (starting with its Ethernet header)")
              .option("--meta-in", "FILE", "metadata placed right before the packet")
              .option(
                  "--repeat",
                  "N",
                  "runs (default 1); maps and frame persist across them. " + TestRun.WARM_UP_RULE)
              .option("--data-out", "FILE", "write metadata + packet after the run")
              .option("--maps-out", "FILE", "write the final maps (maps.json format)"));

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) {
    ArgParser.Parsed a = PARSER.parse(args);
    if (a.has("--help")) {
      out.println(PARSER.help());
      return 0;
    }
    LoadOptions o = CommonOptions.from(a, a.positional(0));
    if (a.get("--data-in") == null) {
      throw new UsageException("'xdpemu test-run' needs --data-in FILE");
    }
    byte[] data = read(CommonOptions.readable(a.get("--data-in"), "data-in"));
    byte[] meta =
        a.has("--meta-in")
            ? read(CommonOptions.readable(a.get("--meta-in"), "meta-in"))
            : new byte[0];
    int repeat = (int) a.getLong("--repeat", 1, 1, Integer.MAX_VALUE);
    int cpus = TestRun.possibleCpus();
    // With --firmware the program is relocated against the firmware's BTF; the metadata itself
    // comes from --meta-in, as in the kernel's test run.
    io.xdpemu.ebpf.btf.Btf fwBtf = Attach.firmwareBtfFor(o);
    LoadPipeline.Loaded loaded = LoadPipeline.load(o, cpus, fwBtf);
    LoadPipeline.Loaded warmup = LoadPipeline.load(o, cpus, fwBtf);
    TestRun.Result r = TestRun.run(loaded, meta, data, repeat, warmup);
    try (OutputFiles files = new OutputFiles()) {
      if (a.has("--data-out")) {
        byte[] both = new byte[r.metaOut().length + r.dataOut().length];
        System.arraycopy(r.metaOut(), 0, both, 0, r.metaOut().length);
        System.arraycopy(r.dataOut(), 0, both, r.metaOut().length, r.dataOut().length);
        Files.write(files.temp(Path.of(a.get("--data-out"))), both);
      }
      if (a.has("--maps-out")) {
        Files.writeString(files.temp(Path.of(a.get("--maps-out"))), loaded.mapsJson());
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
      throw new UsageException("cannot read " + p + ": " + e.getMessage());
    }
  }
}
