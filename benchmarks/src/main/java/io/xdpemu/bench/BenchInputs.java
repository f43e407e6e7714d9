package io.xdpemu.bench;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.pcap.Capture;
import io.xdpemu.pcap.CaptureCursor;
import io.xdpemu.pcap.EthernetFramer;
import io.xdpemu.runtime.Attach;
import io.xdpemu.runtime.LoadOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the benchmarks find their inputs, and the inputs themselves, read once in {@code @Setup}:
 * the repository root (system property {@code xdpemu.root}, else the first directory upwards from
 * the working directory that holds {@code examples/xdp_drop.o}), the shared suites ({@code
 * xdpemu.shared}, else {@code ROOT/../shared}), example objects, firmware files and captures.
 */
final class BenchInputs {
  private BenchInputs() {}

  /**
   * The JVM flag {@code ./xdpemu} starts every JVM with (its {@code JVM=(...)} line; a test keeps
   * the two equal): each benchmark's forks get it too ({@code @Fork(jvmArgsPrepend)}, which a
   * command line's {@code -jvmArgsAppend} leaves in place), so they time the JVM users run.
   */
  static final String LAUNCHER_JVM = "-XX:-UseCompressedOops";

  /** The example program that needs a firmware NIC (its metadata is the NIC's). */
  static final String HINTS = "xdp_hints";

  static final String HINTS_FIRMWARE = "mynic-v2";

  static Path root() {
    String p = System.getProperty("xdpemu.root");
    if (p != null) {
      return Path.of(p).toAbsolutePath();
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("examples/xdp_drop.o"))) {
        return d;
      }
    }
    throw new UsageException(
        "cannot find the xdpemu repository (examples/xdp_drop.o) above "
            + Path.of("").toAbsolutePath()
            + "; run from the repository or pass -jvmArgsAppend -Dxdpemu.root=DIR");
  }

  static Path shared() {
    String p = System.getProperty("xdpemu.shared");
    return p != null ? Path.of(p) : root().resolveSibling("shared");
  }

  /** {@code examples/NAME.o}, or {@code examples/firmware/xdp_hints.bpf.o} for {@link #HINTS}. */
  static Path example(String name) {
    Path p =
        name.equals(HINTS)
            ? root().resolve("examples/firmware/xdp_hints.bpf.o")
            : root().resolve("examples/" + name + ".o");
    if (!Files.isRegularFile(p)) {
      throw new UsageException("no example object " + p);
    }
    return p;
  }

  /** {@code examples/firmware/NAME.json}. */
  static Path firmware(String name) {
    Path p = root().resolve("examples/firmware/" + name + ".json");
    if (!Files.isRegularFile(p)) {
      throw new UsageException("no firmware file " + p);
    }
    return p;
  }

  /** Load options for an example: verified, first XDP program, the hints program on its NIC. */
  static LoadOptions loadOptions(String program, String engine) {
    Path fw = program.equals(HINTS) ? firmware(HINTS_FIRMWARE) : null;
    return new LoadOptions(example(program), null, fw, null, null, engine, false, null, null, true);
  }

  /** Loads and attaches an example to a NIC with {@code queues} RX queues. */
  static Attach attach(String program, String engine, int queues) {
    return Attach.create(loadOptions(program, engine), queues);
  }

  /** {@code pcaps/NAME.pcap}, the whole file in memory (no memory-mapped I/O while measuring). */
  static Capture capture(String name) {
    Path p = root().resolve("pcaps/" + name + ".pcap");
    try {
      return Capture.of(p.toString(), Files.readAllBytes(p));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read capture " + p, e);
    }
  }

  /** Every packet of a capture as the Ethernet frame the NIC receives, one array each. */
  static byte[][] frames(Capture capture) {
    List<byte[]> out = new ArrayList<>();
    CaptureCursor c = capture.cursor();
    while (c.next()) {
      byte[] f = new byte[EthernetFramer.frameLength(c)];
      EthernetFramer.frame(c, f, 0);
      out.add(f);
    }
    return out.toArray(new byte[0][]);
  }

  /** Fails setup loudly when a capture is not the size a constant batch was written for. */
  static byte[][] exactly(byte[][] frames, int n, String what) {
    if (frames.length != n) {
      throw new IllegalStateException(what + " has " + frames.length + " packets, expected " + n);
    }
    return frames;
  }
}
