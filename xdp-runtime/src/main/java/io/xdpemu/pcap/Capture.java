package io.xdpemu.pcap;

import io.xdpemu.ebpf.IoReasons;
import io.xdpemu.ebpf.MalformedInputException;
import io.xdpemu.ebpf.UsageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A capture file, memory-mapped and checked once end to end when opened: a file that opens is
 * replayed entirely, one that does not is refused before any packet is processed (so no output is
 * half-written because of a corrupt tail). {@link #cursor()} hands out independent cursors.
 */
public final class Capture {
  private final String file;
  private final ByteBuffer mapped;
  private final String format;
  private final long packets;
  private final long bytes;
  private final int maxRecord;

  private Capture(String file, ByteBuffer mapped, boolean runtsAllowed) {
    this.file = file;
    this.mapped = mapped;
    CaptureCursor c = newCursor();
    this.format = c.format();
    long n = 0;
    long b = 0;
    int max = 0;
    while (c.next()) {
      n++;
      b += c.capturedLength();
      max = Math.max(max, c.capturedLength());
      if (!(runtsAllowed && EthernetFramer.isRunt(c))) {
        EthernetFramer.check(c);
      }
    }
    this.packets = n;
    this.bytes = b;
    this.maxRecord = max;
  }

  /** Opens and validates a pcap or pcapng file (detected by its magic, not its name). */
  public static Capture open(Path path) {
    return open(path, false);
  }

  /**
   * Like {@link #open(Path)}, but Ethernet records shorter than a header pass (for {@code diff},
   * which reports each one as not comparable instead of refusing the capture).
   */
  public static Capture openAllowingRunts(Path path) {
    return open(path, true);
  }

  private static Capture open(Path path, boolean runtsAllowed) {
    String name = path.toString();
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new UnsupportedCaptureException(
            "unsupported capture "
                + name
                + ": "
                + size
                + " bytes; captures over 2 GiB are not"
                + " supported (split it with editcap -c)");
      }
      MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
      return new Capture(name, m, runtsAllowed);
    } catch (NoSuchFileException e) {
      throw new UsageException("cannot read capture " + name + ": no such file");
    } catch (IOException e) {
      if (Files.isDirectory(path)) {
        throw new UsageException("cannot read capture " + name + ": is a directory");
      }
      throw new UsageException("cannot read capture " + name + ": " + IoReasons.of(e));
    }
  }

  /**
   * Up to {@code max} Ethernet frames from the start of the capture at {@code path}, without
   * checking the rest of the file: as many as are found before the first record that cannot be
   * replayed, none when the file cannot be read. For warming up the code that will handle the
   * capture's frames while {@link #open} checks it; {@link #open} reports every problem.
   */
  public static java.util.List<byte[]> leadingFrames(Path path, int max) {
    java.util.List<byte[]> frames = new java.util.ArrayList<>();
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = Math.min(ch.size(), Integer.MAX_VALUE);
      CaptureCursor c = cursorOver(path.toString(), ch.map(FileChannel.MapMode.READ_ONLY, 0, size));
      byte[] frame = new byte[CaptureCursor.MAX_RECORD + EthernetFramer.ETH_HLEN];
      while (frames.size() < max && c.next()) {
        EthernetFramer.check(c);
        int len = EthernetFramer.frame(c, frame, 0);
        frames.add(java.util.Arrays.copyOf(frame, len));
      }
    } catch (IOException | RuntimeException e) {
      // what was read so far will do: opening the capture reports the problem
    }
    return frames;
  }

  /** Wraps capture bytes already in memory (tests, generated traffic). */
  public static Capture of(String name, byte[] content) {
    return new Capture(name, ByteBuffer.wrap(content), false);
  }

  /** A fresh cursor before the first packet. */
  public CaptureCursor cursor() {
    return newCursor();
  }

  private CaptureCursor newCursor() {
    return cursorOver(file, mapped);
  }

  private static CaptureCursor cursorOver(String file, ByteBuffer mapped) {
    ByteBuffer b = mapped.duplicate();
    if (b.limit() >= 4 && b.getInt(0) == PcapNgCursor.SHB) {
      return new PcapNgCursor(file, b);
    }
    if (b.limit() < 4) {
      throw new MalformedInputException(
          "malformed capture file "
              + file
              + ": at byte offset 0: "
              + b.limit()
              + "-byte file is neither pcap nor pcapng");
    }
    return new PcapCursor(file, b);
  }

  public String file() {
    return file;
  }

  /** "pcap" or "pcapng". */
  public String format() {
    return format;
  }

  public long packetCount() {
    return packets;
  }

  /** Sum of the captured lengths. */
  public long capturedBytes() {
    return bytes;
  }

  /** The largest captured record, to size reusable buffers. */
  public int maxRecordLength() {
    return maxRecord;
  }
}
