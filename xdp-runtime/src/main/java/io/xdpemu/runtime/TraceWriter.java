package io.xdpemu.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code packets.jsonl}: one line per input packet, in input order, keys exactly as the CLI
 * contract lists them:
 *
 * <pre>
 * {"index":i,"queue":q,"verdict":"XDP_TX","retval":3,"meta_in":"..","data_in":"..","data_out":"..","redirect":null}
 * </pre>
 *
 * {@code redirect} is null unless the verdict is XDP_REDIRECT; then it says where the frame went:
 * {@code {"ifindex":N}} (bpf_redirect), {@code {"map":"M","type":"devmap","key":K,"ifindex":N}},
 * {@code {"map":"M","type":"cpumap","key":K,"cpu":K}} or {@code {"map":"M","type":"xskmap",
 * "key":K}}, or for a BPF_F_BROADCAST devmap redirect {@code {"map":"M","type":"devmap",
 * "broadcast":[N,...]}}, with {@code "error":-errno} added when xdp_do_redirect would fail (the
 * frame is then dropped). Encodes hex into one reused buffer.
 *
 * <p>With a firmware that writes metadata, two keys follow the contract's: {@code "meta_out"}, the
 * metadata block after the program (hex), and {@code "formatted":{"meta_in":{..},"meta_out":{..}}},
 * both blocks by field name through the firmware's metadata struct ({@link MetadataFormat}; a block
 * the program resized is {@code null} there), as bpftool puts {@code "formatted"} beside the hex.
 */
final class TraceWriter {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final OutputStream out;
  private byte[] line = new byte[8192];
  private int len;

  TraceWriter(OutputStream out) {
    this.out = out;
  }

  void write(PacketSlot s, MetadataFormat format) {
    len = 0;
    ascii("{\"index\":").number(s.index).ascii(",\"queue\":").number(s.queue);
    ascii(",\"verdict\":\"").ascii(XdpAction.name(s.action)).ascii("\",\"retval\":");
    number(s.retval);
    ascii(",\"meta_in\":\"").hex(s.meta, s.metaLength);
    ascii("\",\"data_in\":\"").hex(s.in, s.inLength);
    ascii("\",\"data_out\":\"").hex(s.out, s.outLength);
    ascii("\",\"redirect\":");
    if (s.action != XdpAction.REDIRECT) {
      ascii("null");
    } else {
      redirect(s);
    }
    if (format != null) {
      ascii(",\"meta_out\":\"").hex(s.metaOut, s.metaOutLength).ascii("\"");
      ascii(",\"formatted\":{\"meta_in\":").json(format.decode(s.meta, s.metaLength, s.ptype));
      ascii(",\"meta_out\":").json(format.decode(s.metaOut, s.metaOutLength, s.ptype)).ascii("}");
    }
    ascii("}\n");
    try {
      out.write(line, 0, len);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void redirect(PacketSlot s) {
    ascii("{");
    switch (s.redirectKind) {
      case PacketSlot.TO_IFINDEX -> ascii("\"ifindex\":").number(s.redirectTarget);
      case PacketSlot.TO_DEVMAP, PacketSlot.TO_CPUMAP, PacketSlot.TO_XSKMAP -> {
        ascii("\"map\":").ascii(JsonStrings.quote(s.redirectMap.name()));
        ascii(",\"type\":\"").ascii(io.xdpemu.ebpf.maps.MapType.name(s.redirectMap.type()));
        if (s.redirectTarget == -1) {
          ascii("\",\"broadcast\":[");
          for (int i = 0; i < s.broadcastCount; i++) {
            ascii(i == 0 ? "" : ",").number(s.broadcast[i]);
          }
          ascii("]");
        } else {
          ascii("\",\"key\":").number(Integer.toUnsignedLong(s.redirectKey));
        }
        if (s.redirectTarget == -1) {
          // the targets are listed above
        } else if (s.redirectError == 0 && s.redirectKind == PacketSlot.TO_DEVMAP) {
          ascii(",\"ifindex\":").number(s.redirectTarget);
        } else if (s.redirectError == 0 && s.redirectKind == PacketSlot.TO_CPUMAP) {
          ascii(",\"cpu\":").number(s.redirectTarget);
        }
      }
      default -> {
        if (s.redirectMap != null) {
          ascii("\"map\":").ascii(JsonStrings.quote(s.redirectMap.name()));
        } else {
          ascii("\"ifindex\":0");
        }
      }
    }
    if (s.redirectError != 0) {
      ascii(",\"error\":").number(s.redirectError);
    }
    ascii("}");
  }

  private void ensure(int n) {
    if (len + n > line.length) {
      line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, len + n));
    }
  }

  private TraceWriter ascii(String s) {
    ensure(s.length());
    for (int i = 0; i < s.length(); i++) {
      line[len++] = (byte) s.charAt(i);
    }
    return this;
  }

  private TraceWriter json(io.xdpemu.ebpf.btf.BtfValue v) {
    if (v == null) {
      return ascii("null");
    }
    byte[] b = v.json().getBytes(StandardCharsets.UTF_8);
    ensure(b.length);
    System.arraycopy(b, 0, line, len, b.length);
    len += b.length;
    return this;
  }

  private TraceWriter number(long v) {
    ensure(20);
    if (v == 0) {
      line[len++] = '0';
      return this;
    }
    if (v < 0) {
      line[len++] = '-';
      v = -v;
    }
    int startAt = len;
    while (v > 0) {
      line[len++] = (byte) ('0' + v % 10);
      v /= 10;
    }
    for (int i = startAt, j = len - 1; i < j; i++, j--) {
      byte t = line[i];
      line[i] = line[j];
      line[j] = t;
    }
    return this;
  }

  private TraceWriter hex(byte[] b, int n) {
    ensure(2 * n);
    for (int i = 0; i < n; i++) {
      line[len++] = HEX[(b[i] >> 4) & 0xf];
      line[len++] = HEX[b[i] & 0xf];
    }
    return this;
  }

  /**
   * The line of packets.txt: {@code #12 q1 XDP_TX IPv4 10.0.0.1.1234 > ...: UDP, 60 bytes} and,
   * when the program changed the frame, {@code -> <summary of the frame after>}.
   */
  static String text(PacketSlot s, MetadataFormat format) {
    StringBuilder b = new StringBuilder(128);
    b.append('#').append(s.index).append(" q").append(s.queue).append(' ');
    b.append(String.format("%-12s ", XdpAction.name(s.action)));
    b.append(io.xdpemu.pcap.PacketSummary.of(s.in, 0, s.inLength));
    if (s.outLength != s.inLength
        || !java.util.Arrays.equals(s.in, 0, s.inLength, s.out, 0, s.outLength)) {
      b.append("  ->  ").append(io.xdpemu.pcap.PacketSummary.of(s.out, 0, s.outLength));
    }
    if (s.abortReason != null) {
      b.append("  [").append(s.abortReason).append(']');
    }
    if (s.redirectError != 0) {
      b.append("  [redirect failed: ").append(s.redirectError).append(']');
    }
    if (format != null) {
      io.xdpemu.ebpf.btf.BtfValue in = format.decode(s.meta, s.metaLength, s.ptype);
      io.xdpemu.ebpf.btf.BtfValue out = format.decode(s.metaOut, s.metaOutLength, s.ptype);
      b.append("\n    meta ").append(in == null ? "-" : in.text());
      if (out == null || !out.equals(in)) {
        b.append("\n    meta after ").append(out == null ? "(resized)" : out.text());
      }
    }
    return b.toString();
  }
}
