package io.xdpemu.ebpf.btf;

import io.xdpemu.ebpf.MalformedInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Parses raw BTF (the bytes of /sys/kernel/btf/vmlinux, a pahole detached file or an ELF .BTF
 * section) into a {@link Btf}, validating as libbpf's {@code btf_parse_hdr}, {@code
 * btf_parse_str_sec}, {@code btf_parse_type_sec} and {@code btf_validate_type} do. Every problem is
 * a {@link MalformedInputException} naming the byte offset and what is wrong.
 */
public final class BtfReader {
  private BtfReader() {}

  private static final int[] NO_DATA = new int[0];

  /** Kinds the layout section may describe (struct btf_layout, one 4-byte entry per kind). */
  private static final int LAYOUT_ENTRY_SIZE = 4;

  /**
   * True when the data's string section begins with NUL, as every standalone BTF's must; false for
   * split BTF made by pahole or {@link BtfBuilder}, and for data too short to tell.
   */
  static boolean stringsStartWithNul(byte[] data) {
    if (data.length < BtfHeader.CLASSIC_LEN) {
      return true;
    }
    ByteOrder order = (data[0] & 0xff) == 0x9f ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    ByteBuffer b = ByteBuffer.wrap(data).order(order);
    long at = Integer.toUnsignedLong(b.getInt(4)) + Integer.toUnsignedLong(b.getInt(16));
    return b.getInt(20) == 0 || at >= data.length || data[(int) at] == 0;
  }

  public static Btf read(byte[] data, Btf base, String source) {
    return new Parse(data, base, source).run();
  }

  private static final class Parse {
    private final byte[] data;
    private final Btf base;
    private final String source;
    private ByteBuffer buf;

    Parse(byte[] data, Btf base, String source) {
      this.data = data;
      this.base = base;
      this.source = source;
    }

    private MalformedInputException error(long offset, String what) {
      return new MalformedInputException(
          "malformed BTF " + source + ": " + what + " (at byte offset " + offset + ")");
    }

    Btf run() {
      BtfHeader header = header();
      int hdrLen = header.hdrLen();
      long body = data.length - (long) hdrLen;
      checkSection("type", header.typeOff(), header.typeLen(), body, 12);
      checkSection("string", header.strOff(), header.strLen(), body, 20);
      if ((header.typeOff() & 3) != 0) {
        throw error(12, "type section offset " + header.typeOff() + " is not 4-byte aligned");
      }
      byte[] layout = new byte[0];
      if (header.hasLayoutFields() && header.layoutLen() != 0) {
        checkSection("layout", header.layoutOff(), header.layoutLen(), body, 28);
        if (header.layoutLen() % LAYOUT_ENTRY_SIZE != 0) {
          throw error(28, "layout_len " + header.layoutLen() + " is not a multiple of 4");
        }
        int at = hdrLen + header.layoutOff();
        layout = Arrays.copyOfRange(data, at, at + header.layoutLen());
      }
      int strAt = hdrLen + header.strOff();
      byte[] strings = Arrays.copyOfRange(data, strAt, strAt + header.strLen());
      checkStrings(strings, strAt);
      RawType[] types = types(hdrLen + header.typeOff(), header.typeLen(), layout);
      Btf btf = new Btf(base, header, types, strings, layout, source);
      new BtfValidator(btf, this::error, hdrLen + header.typeOff()).validate();
      return btf;
    }

    private BtfHeader header() {
      if (data.length < 8) {
        throw error(data.length, "truncated header: " + data.length + " bytes, need at least 8");
      }
      int lo = data[0] & 0xff;
      int hi = data[1] & 0xff;
      boolean bigEndian;
      if ((lo | hi << 8) == BtfHeader.MAGIC) {
        bigEndian = false;
      } else if ((hi | lo << 8) == BtfHeader.MAGIC) {
        bigEndian = true; // libbpf btf_parse_hdr: byte-swapped magic = non-native endianness
      } else {
        throw error(0, String.format("bad magic 0x%02x%02x (expected 0xeb9f)", hi, lo));
      }
      buf = ByteBuffer.wrap(data).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
      int version = data[2] & 0xff;
      if (version != 1) {
        throw error(2, "unsupported version " + version + " (expected 1)");
      }
      int hdrLen = buf.getInt(4);
      if (hdrLen < BtfHeader.CLASSIC_LEN || (hdrLen & 3) != 0) {
        throw error(4, "hdr_len " + Integer.toUnsignedString(hdrLen) + " is invalid (min 24)");
      }
      if (Integer.toUnsignedLong(hdrLen) > data.length) {
        throw error(
            data.length,
            "truncated header: hdr_len "
                + Integer.toUnsignedString(hdrLen)
                + " but only "
                + data.length
                + " bytes");
      }
      return new BtfHeader(
          bigEndian,
          version,
          data[3] & 0xff,
          hdrLen,
          buf.getInt(8),
          buf.getInt(12),
          buf.getInt(16),
          buf.getInt(20),
          Arrays.copyOfRange(data, BtfHeader.CLASSIC_LEN, hdrLen));
    }

    private void checkSection(String name, int off, int len, long body, int fieldAt) {
      long end = Integer.toUnsignedLong(off) + Integer.toUnsignedLong(len);
      if (end > body) {
        throw error(
            fieldAt,
            name
                + " section ["
                + Integer.toUnsignedString(off)
                + ", "
                + end
                + ") runs past the end of the data ("
                + body
                + " bytes after the header)");
      }
    }

    private void checkStrings(byte[] strings, int at) {
      if (strings.length == 0) {
        if (base == null) {
          throw error(20, "empty string section (must hold at least the empty string)");
        }
        return;
      }
      if (base == null && strings[0] != 0) {
        throw error(at, "string section does not start with the empty string");
      }
      if (strings[strings.length - 1] != 0) {
        throw error(at + strings.length - 1, "string section is not NUL-terminated");
      }
    }

    /**
     * Splits the type section into records. The section is first converted to ints in one bulk copy
     * (an intrinsic), which keeps even the first, not yet JIT-compiled, parse of vmlinux fast.
     */
    private RawType[] types(int start, int len, byte[] layout) {
      int[] w = new int[len / 4];
      ByteBuffer.wrap(data, start, len).slice().order(buf.order()).asIntBuffer().get(w);
      int firstId = base == null ? 1 : base.typeCount();
      RawType[] out = new RawType[Math.max(16, len / 16)];
      int n = 0;
      int at = 0; // word index
      while (at * 4 < len) {
        int id = firstId + n;
        int pos = start + at * 4;
        int left = len - at * 4;
        if (left < 12) {
          throw error(
              pos,
              "type ["
                  + id
                  + "] record truncated: "
                  + left
                  + " bytes left in type section, need 12");
        }
        int info = w[at + 1];
        int kindNumber = (info >>> 24) & RawType.KIND_MASK;
        int vlen = info & RawType.VLEN_MASK;
        BtfKind kind = BtfKind.ofNumber(kindNumber);
        long dataBytes;
        if (kind != null && kind != BtfKind.UNKN) {
          dataBytes = 4L * kind.trailingWords(vlen);
        } else {
          dataBytes = unknownKindBytes(layout, kindNumber, vlen, id, pos);
        }
        if (12 + dataBytes > left) {
          throw error(
              pos,
              "type ["
                  + id
                  + "] "
                  + label(kind, kindNumber)
                  + " vlen "
                  + vlen
                  + " overruns the type section (needs "
                  + (12 + dataBytes)
                  + " bytes, "
                  + left
                  + " left)");
        }
        int words = (int) (dataBytes / 4);
        if (n == out.length) {
          out = Arrays.copyOf(out, out.length * 2);
        }
        out[n++] =
            new RawType(
                w[at],
                info,
                w[at + 2],
                words == 0 ? NO_DATA : Arrays.copyOfRange(w, at + 3, at + 3 + words));
        at += 3 + words;
      }
      return Arrays.copyOf(out, n);
    }

    /** Kinds newer than us are skippable only when the layout section says how long they are. */
    /**
     * libbpf {@code btf_type_size_unknown}: split BTF without a layout section uses its base's;
     * info_sz and elem_sz must be multiples of 4.
     */
    private long unknownKindBytes(byte[] layout, int kindNumber, int vlen, int id, int pos) {
      if (layout.length == 0 && base != null) {
        layout = base.layoutSection();
      }
      int entry = kindNumber * LAYOUT_ENTRY_SIZE;
      if (kindNumber == 0 || entry + LAYOUT_ENTRY_SIZE > layout.length) {
        throw error(pos + 4, "type [" + id + "] has unknown kind " + kindNumber);
      }
      int infoSz = layout[entry] & 0xff;
      int elemSz = layout[entry + 1] & 0xff;
      if ((infoSz & 3) != 0 || (elemSz & 3) != 0) {
        throw error(
            pos + 4,
            "type ["
                + id
                + "] kind "
                + kindNumber
                + " has info_sz "
                + infoSz
                + " / elem_sz "
                + elemSz
                + " in the layout section (must be multiples of 4)");
      }
      return infoSz + (long) vlen * elemSz;
    }

    private String label(BtfKind kind, int number) {
      return kind != null ? kind.label() : "kind " + number;
    }
  }
}
