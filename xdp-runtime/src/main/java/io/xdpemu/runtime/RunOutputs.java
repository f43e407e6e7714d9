package io.xdpemu.runtime;

import io.xdpemu.ebpf.maps.MapRegistry;
import io.xdpemu.pcap.PcapWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files {@code xdpemu run --out DIR} writes (shared/docs/cli.md): {@code pass.pcap}, {@code
 * tx.pcap}, {@code redirect-<ifindex>.pcap} with the frames as the program left them, and with
 * {@code --trace} {@code packets.jsonl}; at the end {@code summary.json} and {@code maps.json}.
 * Redirects through a cpumap go to {@code redirect-cpu<N>.pcap} (the frame continues up the stack
 * on CPU N), through an xskmap to {@code redirect-xsk<key>.pcap}. Everything is written under
 * temporary names and renamed only when the whole run succeeded (see {@link OutputFiles}).
 */
final class RunOutputs implements Replay.Sink, AutoCloseable {
  private final Path dir;
  private final OutputFiles files = new OutputFiles();
  private final PcapWriter pass;
  private final PcapWriter tx;
  private final TraceWriter trace;
  private final java.io.PrintStream traceText;
  private final List<OutputStream> streams = new ArrayList<>();
  /** Redirect targets seen so far: key (kind << 40 | target) and writer; few, so searched linearly. */
  private long[] redirectKeys = new long[8];

  private PcapWriter[] redirectWriters = new PcapWriter[8];
  private int redirects;

  RunOutputs(Path dir, boolean trace) {
    this.dir = OutputFiles.directory(dir);
    this.pass = pcap("pass.pcap");
    this.tx = pcap("tx.pcap");
    this.trace = trace ? new TraceWriter(open("packets.jsonl")) : null;
    this.traceText =
        trace ? new java.io.PrintStream(open("packets.txt"), false, StandardCharsets.UTF_8) : null;
  }

  private OutputStream open(String name) {
    try {
      OutputStream os = new BufferedOutputStream(
          Files.newOutputStream(files.temp(dir.resolve(name))), 1 << 16);
      streams.add(os);
      return os;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private PcapWriter pcap(String name) {
    return new PcapWriter(open(name));
  }

  @Override
  public void accept(PacketSlot s) {
    switch (s.action) {
      case XdpAction.PASS -> pass.write(s.timestampNs, s.out, 0, s.outLength);
      case XdpAction.TX -> tx.write(s.timestampNs, s.out, 0, s.outLength);
      case XdpAction.REDIRECT -> {
        if (s.redirectError == 0) {
          redirectWriter(s).write(s.timestampNs, s.out, 0, s.outLength);
        }
      }
      default -> {
        // DROP and ABORTED frames leave no file behind (the summary counts them).
      }
    }
    if (trace != null) {
      trace.write(s);
      traceText.println(TraceWriter.text(s));
    }
  }

  private PcapWriter redirectWriter(PacketSlot s) {
    int kind = s.redirectKind == PacketSlot.TO_DEVMAP ? PacketSlot.TO_IFINDEX : s.redirectKind;
    long key = ((long) kind << 40) | s.redirectTarget;
    for (int i = 0; i < redirects; i++) {
      if (redirectKeys[i] == key) {
        return redirectWriters[i];
      }
    }
    String name =
        switch (kind) {
          case PacketSlot.TO_CPUMAP -> "redirect-cpu" + s.redirectTarget + ".pcap";
          case PacketSlot.TO_XSKMAP -> "redirect-xsk" + Integer.toUnsignedString(s.redirectKey)
              + ".pcap";
          default -> "redirect-" + s.redirectTarget + ".pcap";
        };
    if (redirects == redirectKeys.length) {
      redirectKeys = java.util.Arrays.copyOf(redirectKeys, redirects * 2);
      redirectWriters = java.util.Arrays.copyOf(redirectWriters, redirects * 2);
    }
    redirectKeys[redirects] = key;
    redirectWriters[redirects] = pcap(name);
    return redirectWriters[redirects++];
  }

  /** Writes summary.json and maps.json, closes everything and renames it all into place. */
  void finish(String summaryJson, MapRegistry maps) {
    try {
      Files.writeString(files.temp(dir.resolve("summary.json")), summaryJson,
          StandardCharsets.UTF_8);
      Files.writeString(files.temp(dir.resolve("maps.json")),
          maps == null ? "{}\n" : mapsJson(maps), StandardCharsets.UTF_8);
      if (traceText != null) {
        traceText.flush();
        if (traceText.checkError()) {
          throw new IOException("writing packets.txt failed");
        }
      }
      for (OutputStream os : streams) {
        os.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    files.commit();
  }

  /** maps.json: io.xdpemu.ebpf.maps.MapsJson's object, compact, one line. */
  static String mapsJson(MapRegistry maps) {
    return io.xdpemu.ebpf.json.JsonWriter.compact(
            io.xdpemu.ebpf.maps.MapsJson.write(maps.all()))
        + "\n";
  }

  @Override
  public void close() {
    for (OutputStream os : streams) {
      try {
        os.close();
      } catch (IOException ignored) {
        // The temporaries are deleted next.
      }
    }
    files.close();
  }
}
