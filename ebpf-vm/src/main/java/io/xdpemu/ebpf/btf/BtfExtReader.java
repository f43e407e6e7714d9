package io.xdpemu.ebpf.btf;

import io.xdpemu.ebpf.MalformedInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Parses .BTF.ext as libbpf's {@code btf_ext__new} / {@code btf_ext_setup_info} do: honours {@code
 * hdr_len} (core_relo only when it is at least 32), takes each block's {@code rec_size} from the
 * file (at least the known record size, a multiple of 4), and checks every section header and
 * record lies inside its block and every string/type it names exists in the object's .BTF.
 */
final class BtfExtReader {
  private static final int MIN_HDR_LEN = 24;
  private static final int CORE_HDR_LEN = 32;

  private final byte[] data;
  private final Btf btf;
  private final String source;
  private ByteBuffer buf;

  private BtfExtReader(byte[] data, Btf btf, String source) {
    this.data = data;
    this.btf = btf;
    this.source = source;
  }

  static BtfExt read(byte[] data, Btf btf, String source) {
    return new BtfExtReader(data, btf, source).run();
  }

  private MalformedInputException error(long offset, String what) {
    return new MalformedInputException(
        "malformed BTF.ext " + source + ": " + what + " (at byte offset " + offset + ")");
  }

  private interface RecordDecoder<T> {
    T decode(int at, long recordOffset);
  }

  private BtfExt run() {
    if (data.length < 8) {
      throw error(data.length, "truncated header: " + data.length + " bytes, need at least 8");
    }
    int lo = data[0] & 0xff;
    int hi = data[1] & 0xff;
    ByteOrder order;
    if ((lo | hi << 8) == BtfHeader.MAGIC) {
      order = ByteOrder.LITTLE_ENDIAN;
    } else if ((hi | lo << 8) == BtfHeader.MAGIC) {
      order = ByteOrder.BIG_ENDIAN;
    } else {
      throw error(0, String.format("bad magic 0x%02x%02x (expected 0xeb9f)", hi, lo));
    }
    buf = ByteBuffer.wrap(data).order(order);
    if ((data[2] & 0xff) != 1) {
      throw error(2, "unsupported version " + (data[2] & 0xff) + " (expected 1)");
    }
    int hdrLen = buf.getInt(4);
    if (hdrLen < MIN_HDR_LEN || (hdrLen & 3) != 0) {
      throw error(4, "hdr_len " + Integer.toUnsignedString(hdrLen) + " is invalid (min 24)");
    }
    if (Integer.toUnsignedLong(hdrLen) > data.length) {
      throw error(
          data.length,
          "truncated header: hdr_len " + hdrLen + " but only " + data.length + " bytes");
    }
    int[] funcRec = new int[1];
    int[] lineRec = new int[1];
    int[] coreRec = new int[1];
    List<BtfExt.Section<BtfExt.FuncInfo>> funcs =
        block(
            hdrLen,
            8,
            "func_info",
            8,
            funcRec,
            (at, off) -> {
              int insnOff = buf.getInt(at);
              int typeId = buf.getInt(at + 4);
              checkType(typeId, off + 4, "func_info");
              if (btf.kind(typeId) != BtfKind.FUNC) {
                throw error(off + 4, "func_info type id " + typeId + " is not a FUNC");
              }
              return new BtfExt.FuncInfo(insnOff, typeId);
            });
    List<BtfExt.Section<BtfExt.LineInfo>> lines =
        block(
            hdrLen,
            16,
            "line_info",
            16,
            lineRec,
            (at, off) -> {
              int lineCol = buf.getInt(at + 12);
              return new BtfExt.LineInfo(
                  buf.getInt(at),
                  string(buf.getInt(at + 4), off + 4),
                  string(buf.getInt(at + 8), off + 8),
                  lineCol >>> 10,
                  lineCol & 0x3ff);
            });
    List<BtfExt.Section<BtfExt.CoreRelo>> relos = List.of();
    if (hdrLen >= CORE_HDR_LEN) {
      relos =
          block(
              hdrLen,
              24,
              "core_relo",
              16,
              coreRec,
              (at, off) -> {
                int typeId = buf.getInt(at + 4);
                checkType(typeId, off + 4, "core_relo");
                int accessOff = buf.getInt(at + 8);
                int kind = buf.getInt(at + 12);
                if (kind < 0 || kind >= BtfExt.KIND_NAMES.length) {
                  throw error(
                      off + 12, "core_relo has unknown kind " + Integer.toUnsignedString(kind));
                }
                return new BtfExt.CoreRelo(
                    buf.getInt(at), typeId, accessOff, string(accessOff, off + 8), kind);
              });
    }
    return new BtfExt(hdrLen, funcRec[0], lineRec[0], coreRec[0], funcs, lines, relos);
  }

  private void checkType(int typeId, long at, String what) {
    if (typeId < 0 || typeId >= btf.typeCount()) {
      throw error(at, what + " refers to missing type id " + Integer.toUnsignedString(typeId));
    }
  }

  private String string(int off, long at) {
    if (!btf.hasString(off)) {
      throw error(
          at,
          "string offset "
              + Integer.toUnsignedString(off)
              + " outside the .BTF string section (size "
              + btf.stringsEnd()
              + ")");
    }
    return btf.string(off);
  }

  /** One info block: {@code u32 rec_size} then {@code {sec_name_off, num_info, records}}*. */
  private <T> List<BtfExt.Section<T>> block(
      int hdrLen,
      int fieldAt,
      String name,
      int minRec,
      int[] recSizeOut,
      RecordDecoder<T> decoder) {
    long off = Integer.toUnsignedLong(buf.getInt(fieldAt));
    long len = Integer.toUnsignedLong(buf.getInt(fieldAt + 4));
    if (len == 0) {
      return List.of();
    }
    if ((off & 3) != 0) {
      throw error(fieldAt, name + " offset " + off + " is not 4-byte aligned");
    }
    long start = hdrLen + off;
    long end = start + len;
    if (end > data.length) {
      throw error(
          fieldAt,
          name
              + " ["
              + start
              + ", "
              + end
              + ") runs past the end of the data ("
              + data.length
              + " bytes)");
    }
    if (len < 4) {
      throw error(start, name + " too short for its record size");
    }
    int recSize = buf.getInt((int) start);
    if (recSize < minRec || (recSize & 3) != 0) {
      throw error(
          start,
          name
              + " record size "
              + Integer.toUnsignedString(recSize)
              + " is invalid (need a multiple of 4, at least "
              + minRec
              + ")");
    }
    recSizeOut[0] = recSize;
    List<BtfExt.Section<T>> sections = new ArrayList<>();
    long p = start + 4;
    while (p < end) {
      if (end - p < 8) {
        throw error(p, name + " section header truncated");
      }
      int secNameOff = buf.getInt((int) p);
      long numInfo = Integer.toUnsignedLong(buf.getInt((int) p + 4));
      String secName = string(secNameOff, p);
      if (numInfo == 0) {
        throw error(p + 4, name + " section '" + secName + "' has no records");
      }
      p += 8;
      if (numInfo * recSize > end - p) {
        throw error(
            p - 4,
            name
                + " section '"
                + secName
                + "' num_info "
                + numInfo
                + " overruns the block ("
                + (end - p)
                + " bytes left, need "
                + numInfo * recSize
                + ")");
      }
      List<T> records = new ArrayList<>((int) numInfo);
      for (long i = 0; i < numInfo; i++, p += recSize) {
        records.add(decoder.decode((int) p, p));
      }
      sections.add(new BtfExt.Section<>(secName, Collections.unmodifiableList(records)));
    }
    return Collections.unmodifiableList(sections);
  }
}
