package io.xdpemu.nic.parse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A minimal capture reader for tests only (nic-model must not depend on xdp-runtime, where the real
 * reader lives): classic pcap in both byte orders and resolutions, and pcapng SHB/IDB/EPB/SPB.
 */
public final class TestPcap {
  public record Frame(int linktype, byte[] data) {}

  private TestPcap() {}

  public static List<Frame> read(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
    int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    if (magic == 0x0A0D0D0A) {
      return pcapng(b);
    }
    if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
      b.order(ByteOrder.LITTLE_ENDIAN);
    } else if (Integer.reverseBytes(magic) == 0xa1b2c3d4
        || Integer.reverseBytes(magic) == 0xa1b23c4d) {
      b.order(ByteOrder.BIG_ENDIAN);
    } else {
      throw new IOException(file + ": not a capture (magic " + Integer.toHexString(magic) + ")");
    }
    int linktype = b.getInt(20) & 0x0fffffff;
    List<Frame> out = new ArrayList<>();
    int pos = 24;
    while (pos + 16 <= b.limit()) {
      int incl = b.getInt(pos + 8);
      pos += 16;
      out.add(new Frame(linktype, Arrays.copyOfRange(b.array(), pos, pos + incl)));
      pos += incl;
    }
    return out;
  }

  private static List<Frame> pcapng(ByteBuffer b) {
    List<Frame> out = new ArrayList<>();
    List<Integer> linktypes = new ArrayList<>();
    int pos = 0;
    while (pos + 12 <= b.limit()) {
      if (b.order(ByteOrder.LITTLE_ENDIAN).getInt(pos) == 0x0A0D0D0A) {
        b.order(b.getInt(pos + 8) == 0x1A2B3C4D ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        linktypes.clear();
      }
      int type = b.getInt(pos);
      int len = b.getInt(pos + 4);
      if (type == 1) {
        linktypes.add(b.getShort(pos + 8) & 0xffff);
      } else if (type == 6) {
        int iface = b.getInt(pos + 8);
        int cap = b.getInt(pos + 20);
        out.add(
            new Frame(
                linktypes.get(iface), Arrays.copyOfRange(b.array(), pos + 28, pos + 28 + cap)));
      } else if (type == 3) {
        int cap = Math.min(b.getInt(pos + 8), len - 16);
        out.add(
            new Frame(linktypes.get(0), Arrays.copyOfRange(b.array(), pos + 12, pos + 12 + cap)));
      }
      pos += len;
    }
    return out;
  }
}
