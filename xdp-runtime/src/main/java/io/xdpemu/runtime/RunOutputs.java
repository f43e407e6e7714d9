package io.xdpemu.runtime;

import io.xdpemu.ebpf.maps.MapEvents;
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

  /**
   * Redirect targets seen so far: key (kind << 40 | target) and writer; few, so searched linearly.
   */
  private long[] redirectKeys = new long[8];

  private PcapWriter[] redirectWriters = new PcapWriter[8];
  private int redirects;

  private final MapRegistry maps;
  private final RunFormats formats;
  private OutputStream events;

  private final io.xdpemu.runtime.report.ReplayReport report;

  RunOutputs(Path dir, boolean trace, MapRegistry maps, RunFormats formats, int queues) {
    this.maps = maps;
    this.formats = formats;
    this.report = formats.report() ? new io.xdpemu.runtime.report.ReplayReport(queues) : null;
    this.dir = OutputFiles.directory(dir);
    this.pass = pcap("pass.pcap");
    this.tx = pcap("tx.pcap");
    this.trace = trace ? new TraceWriter(open("packets.jsonl")) : null;
    this.traceText =
        trace ? new java.io.PrintStream(open("packets.txt"), false, StandardCharsets.UTF_8) : null;
  }

  private OutputStream open(String name) {
    try {
      OutputStream os =
          new BufferedOutputStream(Files.newOutputStream(files.temp(dir.resolve(name))), 1 << 16);
      streams.add(os);
      return os;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private PcapWriter pcap(String name) {
    return new PcapWriter(open(name));
  }

  /** Frames written to pcaps: passed, transmitted, redirected; with --trace every frame. */
  @Override
  public int framesRead() {
    return trace != null
        ? Replay.ALL_ACTIONS
        : 1 << XdpAction.PASS | 1 << XdpAction.TX | 1 << XdpAction.REDIRECT;
  }

  @Override
  public void accept(PacketSlot s) {
    switch (s.action) {
      case XdpAction.PASS -> pass.write(s.timestampNs, s.out, 0, s.outLength);
      case XdpAction.TX -> tx.write(s.timestampNs, s.out, 0, s.outLength);
      case XdpAction.REDIRECT -> {
        if (s.redirectError == 0 && s.redirectTarget == -1) {
          for (int i = 0; i < s.broadcastCount; i++) {
            redirectWriter(PacketSlot.TO_IFINDEX, s.broadcast[i], 0)
                .write(s.timestampNs, s.out, 0, s.outLength);
          }
        } else if (s.redirectError == 0) {
          redirectWriter(s.redirectKind, s.redirectTarget, s.redirectKey)
              .write(s.timestampNs, s.out, 0, s.outLength);
        }
      }
      default -> {
        // DROP and ABORTED frames leave no file behind (the summary counts them).
      }
    }
    if (s.events != null) {
      writeEvents(s.events);
    }
    if (report != null) {
      report.packet(
          s.index,
          s.timestampNs,
          s.queue,
          s.inLength,
          s.action,
          s.ptype,
          s.firmware,
          s.meta,
          s.metaLength);
    }
    if (trace != null) {
      MetadataFormat meta = formats.metadata(s.firmware);
      trace.write(s, meta);
      traceText.println(TraceWriter.text(s, meta));
    }
  }

  /**
   * Drains ring buffers and perf event arrays into {@code events.jsonl} (created with the first
   * record), one {@link MapEvents.Event#toJson()} per line. With {@code --serial} (or one queue)
   * the records were taken after every packet, in input order; otherwise they are polled after
   * every batch, as a consumer that wakes up now and then: records of different queues follow their
   * commit order, and a small ring may fill up within a batch (the program then sees -ENOSPC, as
   * with a slow consumer).
   */
  @Override
  public void endOfBatch() {
    if (maps != null) {
      writeEvents(MapEvents.drain(maps));
    }
  }

  private void writeEvents(List<MapEvents.Event> list) {
    for (MapEvents.Event e : list) {
      if (events == null) {
        events = open("events.jsonl");
      }
      try {
        events.write((e.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
      } catch (IOException x) {
        throw new UncheckedIOException(x);
      }
    }
  }

  private PcapWriter redirectWriter(int redirectKind, long target, int mapKey) {
    int kind = redirectKind == PacketSlot.TO_DEVMAP ? PacketSlot.TO_IFINDEX : redirectKind;
    long key = ((long) kind << 40) | target;
    for (int i = 0; i < redirects; i++) {
      if (redirectKeys[i] == key) {
        return redirectWriters[i];
      }
    }
    String name =
        switch (kind) {
          case PacketSlot.TO_CPUMAP -> "redirect-cpu" + target + ".pcap";
          case PacketSlot.TO_XSKMAP -> "redirect-xsk" + Integer.toUnsignedString(mapKey) + ".pcap";
          default -> "redirect-" + target + ".pcap";
        };
    if (redirects == redirectKeys.length) {
      redirectKeys = java.util.Arrays.copyOf(redirectKeys, redirects * 2);
      redirectWriters = java.util.Arrays.copyOf(redirectWriters, redirects * 2);
    }
    redirectKeys[redirects] = key;
    redirectWriters[redirects] = pcap(name);
    return redirectWriters[redirects++];
  }

  /**
   * Writes summary.json, maps.json and with --report report.html, closes everything and renames it
   * all into place.
   */
  void finish(String summaryJson, MapRegistry maps, ReplayStats stats) {
    try {
      Files.writeString(
          files.temp(dir.resolve("summary.json")), summaryJson, StandardCharsets.UTF_8);
      Files.writeString(
          files.temp(dir.resolve("maps.json")),
          maps == null ? "{}\n" : mapsJson(maps, formats.program()),
          StandardCharsets.UTF_8);
      if (report != null) {
        String shown =
            maps == null
                ? "{}"
                : mapsJson(maps, formats.program(), ReportFiles.MAP_ENTRIES).strip();
        Files.writeString(
            files.temp(dir.resolve("report.html")),
            ReportFiles.page(summaryJson, report, stats, formats.verdicts(), shown),
            StandardCharsets.UTF_8);
      }
      if (trace != null) {
        trace.flush();
      }
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

  /**
   * maps.json: io.xdpemu.ebpf.maps.MapsJson's text, compact, one line; with the program's BTF (the
   * object, non-null) each entry also by field name.
   */
  static String mapsJson(MapRegistry maps, io.xdpemu.ebpf.elf.BpfObject program) {
    return mapsJson(maps, program, Integer.MAX_VALUE);
  }

  static String mapsJson(MapRegistry maps, io.xdpemu.ebpf.elf.BpfObject program, int maxEntries) {
    return (program == null
            ? io.xdpemu.ebpf.maps.MapsJson.write(maps.all())
            : io.xdpemu.ebpf.maps.MapsJson.write(
                maps.all(), program.types(), program.datasecOffsets(), maxEntries))
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
