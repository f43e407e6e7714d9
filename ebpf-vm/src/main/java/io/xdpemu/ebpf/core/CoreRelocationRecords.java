package io.xdpemu.ebpf.core;

import io.xdpemu.ebpf.MalformedInputException;
import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.elf.BpfObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The core_relo subsection of {@code .BTF.ext} (libbpf btf_ext_setup_core_relos), in file order:
 *
 * <pre>
 * btf_ext_header: u16 magic 0xEB9F | u8 version | u8 flags | u32 hdr_len
 *                 u32 func_info_off, func_info_len, line_info_off, line_info_len
 *                 u32 core_relo_off, core_relo_len          (present when hdr_len &gt;= 32)
 * at hdr_len + core_relo_off:
 *   u32 rec_size
 *   { u32 sec_name_off; u32 num_info; bpf_core_relo rec[num_info] (rec_size bytes each) } ...
 * </pre>
 *
 * Only what the CO-RE relocator needs; func/line info belong to the BTF package's .BTF.ext model.
 */
public final class CoreRelocationRecords {
  private CoreRelocationRecords() {}

  private static final int MIN_REC_SIZE = 16;

  /** The object's CO-RE relocation records (empty without .BTF.ext or without core_relo). */
  public static List<CoreRelocationRecord> of(BpfObject obj) {
    if (obj.btfExt() == null) {
      return List.of();
    }
    if (obj.types() == null) {
      throw new MalformedInputException(
          "malformed ELF " + obj.fileName() + ": section .BTF.ext without .BTF");
    }
    return read(obj.fileName(), obj.btfExt(), obj.types());
  }

  static List<CoreRelocationRecord> read(String file, byte[] ext, Btf btf) {
    ByteBuffer b = ByteBuffer.wrap(ext).order(ByteOrder.LITTLE_ENDIAN);
    if (ext.length < 24) {
      throw fail(file, 0, "header truncated (" + ext.length + " bytes)");
    }
    if ((b.getShort(0) & 0xffff) != 0xEB9F) {
      throw fail(file, 0, "bad magic 0x" + Integer.toHexString(b.getShort(0) & 0xffff));
    }
    if (b.get(2) != 1) {
      throw fail(file, 2, "unsupported version " + b.get(2));
    }
    long hdrLen = Integer.toUnsignedLong(b.getInt(4));
    if (hdrLen < 24 || hdrLen > ext.length) {
      throw fail(file, 4, "hdr_len " + hdrLen + " outside the section");
    }
    if (hdrLen < 32) {
      return List.of();
    }
    long off = hdrLen + Integer.toUnsignedLong(b.getInt(24));
    long len = Integer.toUnsignedLong(b.getInt(28));
    if (len == 0) {
      return List.of();
    }
    if (off + len > ext.length) {
      throw fail(file, 24, "core_relo subsection [" + off + ", +" + len + ") outside the section");
    }
    long end = off + len;
    if (len < 4) {
      throw fail(file, off, "core_relo subsection without rec_size");
    }
    long recSize = Integer.toUnsignedLong(b.getInt((int) off));
    if (recSize < MIN_REC_SIZE || recSize % 4 != 0 || recSize > 1024) {
      throw fail(file, off, "core_relo rec_size " + recSize + " invalid");
    }
    List<CoreRelocationRecord> out = new ArrayList<>();
    long at = off + 4;
    while (at < end) {
      if (end - at < 8) {
        throw fail(file, at, "truncated core_relo section header");
      }
      int nameOff = b.getInt((int) at);
      long num = Integer.toUnsignedLong(b.getInt((int) at + 4));
      String section = string(file, btf, nameOff, at);
      if (section.isEmpty()) {
        throw fail(file, at, "core_relo section with an empty name");
      }
      at += 8;
      if (num == 0 || num * recSize > end - at) {
        throw fail(file, at - 4, "core_relo num_info " + num + " does not fit");
      }
      for (int i = 0; i < num; i++, at += recSize) {
        int insnOff = b.getInt((int) at);
        int typeId = b.getInt((int) at + 4);
        int accessOff = b.getInt((int) at + 8);
        int kind = b.getInt((int) at + 12);
        out.add(new CoreRelocationRecord(section, insnOff, typeId,
            string(file, btf, accessOff, at + 8), kind, i));
      }
    }
    return out;
  }

  private static String string(String file, Btf btf, int off, long at) {
    if (!btf.hasString(off)) {
      throw fail(file, at, "string offset " + Integer.toUnsignedLong(off) + " outside .BTF strings");
    }
    return btf.string(off);
  }

  private static MalformedInputException fail(String file, long offset, String what) {
    return new MalformedInputException(
        "malformed BTF.ext " + file + ": offset " + offset + ": " + what);
  }
}
