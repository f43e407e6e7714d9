package io.xdpemu.cli;

import io.xdpemu.pcap.LinkType;
import io.xdpemu.pcap.PcapWriter;
import io.xdpemu.runtime.OutputFiles;
import io.xdpemu.runtime.gen.TrafficGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code xdpemu gen-pcap --out FILE [--count N] [--seed S] [--profile P] [--micro]}: writes
 * deterministic synthetic traffic (hidden from the main usage; pcaps/README.md shows how each
 * bundled capture was made with it).
 */
final class GenPcapCommand implements Command {
  static final ArgParser PARSER =
      new ArgParser(
              "gen-pcap", "--out FILE [--count N] [--seed S] [--profile mixed|ipv4-udp|tunnels]")
          .option("--out", "FILE", "capture to write (pcap)")
          .option("--count", "N", "packets to generate (default 1000)")
          .option("--seed", "S", "random seed (default 1)")
          .option("--profile", "NAME", "mixed (default), ipv4-udp or tunnels")
          .flag("--micro", "microsecond timestamps (default nanosecond)")
          .flag("--debug", "show stack traces of errors");

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) {
    ArgParser.Parsed a = PARSER.parse(args);
    if (a.has("--help")) {
      out.println(PARSER.help());
      return 0;
    }
    String file = a.get("--out");
    if (file == null) {
      throw new io.xdpemu.ebpf.UsageException("'xdpemu gen-pcap' needs --out FILE");
    }
    long count = a.getLong("--count", 1000, 0, Long.MAX_VALUE);
    long seed = a.getLong("--seed", 1, Long.MIN_VALUE, Long.MAX_VALUE);
    TrafficGenerator gen = new TrafficGenerator(a.get("--profile", "mixed"), seed);
    Path target = Path.of(file);
    if (target.toAbsolutePath().getParent() != null) {
      OutputFiles.directory(target.toAbsolutePath().getParent());
    }
    try (OutputFiles files = new OutputFiles()) {
      Path tmp = files.temp(target);
      try (OutputStream os = Files.newOutputStream(tmp);
          PcapWriter w = new PcapWriter(os, !a.has("--micro"), LinkType.EN10MB, 262144)) {
        gen.write(w, count);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      files.commit();
    }
    out.println("wrote " + count + " packets to " + file);
    return 0;
  }
}
