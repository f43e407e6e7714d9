package io.xdpemu.runtime;

import com.fasterxml.jackson.core.JsonGenerator;
import io.xdpemu.ebpf.jackson.JsonOut;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

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
 * frame is then dropped). Written with Jackson's generator; hex goes through one reused buffer.
 *
 * <p>With a firmware that writes metadata, two keys follow the contract's: {@code "meta_out"}, the
 * metadata block after the program (hex), and {@code "formatted":{"meta_in":{..},"meta_out":{..}}},
 * both blocks by field name through the firmware's metadata struct ({@link MetadataFormat}; a block
 * the program resized is {@code null} there), as bpftool puts {@code "formatted"} beside the hex.
 */
final class TraceWriter {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final JsonGenerator g;
  private char[] hex = new char[4096];

  TraceWriter(OutputStream out) {
    this.g = JsonOut.generator(out);
  }

  void write(PacketSlot s, MetadataFormat format) {
    try {
      g.writeStartObject();
      g.writeNumberField("index", s.index);
      g.writeNumberField("queue", s.queue);
      g.writeStringField("verdict", XdpAction.name(s.action));
      g.writeNumberField("retval", s.retval);
      hexField("meta_in", s.meta, s.metaLength);
      hexField("data_in", s.in, s.inLength);
      hexField("data_out", s.out, s.outLength);
      g.writeFieldName("redirect");
      if (s.action != XdpAction.REDIRECT) {
        g.writeNull();
      } else {
        redirect(s);
      }
      if (format != null) {
        hexField("meta_out", s.metaOut, s.metaOutLength);
        g.writeObjectFieldStart("formatted");
        g.writeFieldName("meta_in");
        formatted(format.decode(s.meta, s.metaLength, s.ptype));
        g.writeFieldName("meta_out");
        formatted(format.decode(s.metaOut, s.metaOutLength, s.ptype));
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeRaw('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void formatted(io.xdpemu.ebpf.btf.BtfValue v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else {
      io.xdpemu.ebpf.jackson.BtfValueJson.write(g, v);
    }
  }

  /** Pushes what the generator buffered to the stream (before the stream is closed). */
  void flush() {
    try {
      g.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void redirect(PacketSlot s) throws IOException {
    g.writeStartObject();
    switch (s.redirectKind) {
      case PacketSlot.TO_IFINDEX -> g.writeNumberField("ifindex", s.redirectTarget);
      case PacketSlot.TO_DEVMAP, PacketSlot.TO_CPUMAP, PacketSlot.TO_XSKMAP -> {
        g.writeStringField("map", s.redirectMap.name());
        g.writeStringField("type", io.xdpemu.ebpf.maps.MapType.name(s.redirectMap.type()));
        if (s.redirectTarget == -1) {
          g.writeArrayFieldStart("broadcast");
          for (int i = 0; i < s.broadcastCount; i++) {
            g.writeNumber(s.broadcast[i]);
          }
          g.writeEndArray();
        } else {
          g.writeNumberField("key", Integer.toUnsignedLong(s.redirectKey));
        }
        if (s.redirectTarget == -1) {
          // the targets are listed above
        } else if (s.redirectError == 0 && s.redirectKind == PacketSlot.TO_DEVMAP) {
          g.writeNumberField("ifindex", s.redirectTarget);
        } else if (s.redirectError == 0 && s.redirectKind == PacketSlot.TO_CPUMAP) {
          g.writeNumberField("cpu", s.redirectTarget);
        }
      }
      default -> {
        if (s.redirectMap != null) {
          g.writeStringField("map", s.redirectMap.name());
        } else {
          g.writeNumberField("ifindex", 0);
        }
      }
    }
    if (s.redirectError != 0) {
      g.writeNumberField("error", s.redirectError);
    }
    g.writeEndObject();
  }

  /** Hex into one reused buffer, handed to the generator without a String per field. */
  private void hexField(String name, byte[] b, int n) throws IOException {
    if (hex.length < 2 * n) {
      hex = new char[Math.max(2 * n, hex.length * 2)];
    }
    for (int i = 0; i < n; i++) {
      hex[2 * i] = HEX[(b[i] >> 4) & 0xf];
      hex[2 * i + 1] = HEX[b[i] & 0xf];
    }
    g.writeFieldName(name);
    g.writeString(hex, 0, 2 * n);
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
