package io.xdpemu.cli;

import io.xdpemu.pcap.LinkType;
import io.xdpemu.pcap.PcapWriter;
import io.xdpemu.runtime.OutputFiles;
import io.xdpemu.runtime.gen.TrafficGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code xdpemu gen-pcap --out FILE [--count N] [--seed S] [--profile P] [--micro]}: writes
 * deterministic synthetic traffic (hidden from the main usage; pcaps/README.md shows how each
 * bundled capture was made with it).
 */
@Command(
    name = "gen-pcap",
    hidden = true,
    description = "Write deterministic synthetic traffic (see pcaps/README.md).")
final class GenPcapCommand extends Subcommand {
  @Option(names = "--out", paramLabel = "FILE", description = "capture to write (pcap)")
  String file;

  @Option(names = "--count", paramLabel = "N", description = "packets to generate (default 1000)")
  long count = 1000;

  @Option(names = "--seed", paramLabel = "S", description = "random seed (default 1)")
  long seed = 1;

  @Option(
      names = "--profile",
      paramLabel = "NAME",
      description = "mixed (default), ipv4-udp or tunnels")
  String profile = "mixed";

  @Option(names = "--micro", description = "microsecond timestamps (default nanosecond)")
  boolean micro;

  @Override
  public Integer call() {
    if (file == null) {
      throw new io.xdpemu.ebpf.UsageException("'xdpemu gen-pcap' needs --out FILE");
    }
    CommonOptions.inRange("--count", count, 0, Long.MAX_VALUE);
    TrafficGenerator gen = new TrafficGenerator(profile, seed);
    Path target = Path.of(file);
    if (target.toAbsolutePath().getParent() != null) {
      OutputFiles.directory(target.toAbsolutePath().getParent());
    }
    try (OutputFiles files = new OutputFiles()) {
      Path tmp = files.temp(target);
      try (OutputStream os = Files.newOutputStream(tmp);
          PcapWriter w = new PcapWriter(os, !micro, LinkType.EN10MB, 262144)) {
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
