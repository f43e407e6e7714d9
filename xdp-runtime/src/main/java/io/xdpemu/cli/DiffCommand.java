package io.xdpemu.cli;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.runtime.KernelDiff;
import io.xdpemu.runtime.LoadOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code xdpemu diff PROG.o --pcap FILE}: every packet through xdpemu and through the running
 * kernel; prints each packet that differs (action, output bytes, map state), the first one with its
 * input bytes. Exit 1 on any mismatch.
 */
@Command(
    name = "diff",
    description =
        "Run every packet through xdpemu and the running kernel (BPF_PROG_TEST_RUN, root) and"
            + " report each difference; exit 1 on any mismatch.")
final class DiffCommand extends Subcommand {
  @Parameters(paramLabel = "PROG.o", description = "the BPF object")
  String object;

  @Option(
      names = "--pcap",
      paramLabel = "FILE",
      description = "capture whose packets to compare (repeatable)")
  List<String> pcaps = new ArrayList<>();

  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    LoadOptions o = common.load(object);
    if (pcaps.isEmpty()) {
      throw new UsageException("'xdpemu diff' needs at least one --pcap FILE");
    }
    List<Path> caps = new ArrayList<>();
    for (String p : pcaps) {
      caps.add(CommonOptions.readable(p, "capture"));
    }
    KernelDiff.Report r = KernelDiff.run(o, caps, out);
    out.println(
        r.packets()
            + " packets compared with the kernel"
            + (r.skipped() > 0
                ? " (" + r.skipped() + " not comparable: larger than a page or runts)"
                : "")
            + ": "
            + (r.mismatches() == 0 ? "no mismatch" : r.mismatches() + " differ")
            + (r.nondeterministic() > 0
                ? " ("
                    + r.nondeterministic()
                    + " differ where the program reads time, random or kernel memory)"
                : "")
            + (r.undefined() > 0
                ? " (" + r.undefined() + " undefined: the program reads uninitialized stack)"
                : "")
            + (r.addressDependent() > 0
                ? " ("
                    + r.addressDependent()
                    + " not comparable: the program turns an address into data)"
                : ""));
    return r.mismatches() == 0 ? 0 : 1;
  }
}
