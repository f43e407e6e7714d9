package io.xdpemu.cli;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.runtime.KernelDiff;
import io.xdpemu.runtime.LoadOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code xdpemu diff PROG.o --pcap FILE}: every packet through xdpemu and through the running
 * kernel; prints each packet that differs (action, output bytes, map state), the first one with its
 * input bytes. Exit 1 on any mismatch.
 */
final class DiffCommand implements Command {
  static final ArgParser PARSER =
      CommonOptions.register(
          new ArgParser("diff", "PROG.o --pcap FILE [--pcap FILE ...] [options]")
              .positional("PROG.o", "the BPF object")
              .repeatable("--pcap", "FILE", "capture whose packets to compare"));

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) {
    ArgParser.Parsed a = PARSER.parse(args);
    if (a.has("--help")) {
      out.println(PARSER.help());
      return 0;
    }
    LoadOptions o = CommonOptions.from(a, a.positional(0));
    if (a.all("--pcap").isEmpty()) {
      throw new UsageException("'xdpemu diff' needs at least one --pcap FILE");
    }
    List<Path> caps = new ArrayList<>();
    for (String p : a.all("--pcap")) {
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
                : ""));
    return r.mismatches() == 0 ? 0 : 1;
  }
}
