package io.xdpemu.ebpf.btf;

import java.util.List;

/**
 * The decoded .BTF.ext section of a BPF object: per ELF section, func_info, line_info and core_relo
 * records (libbpf btf.c {@code btf_ext__new}). Offsets ({@code insnOff}) are BYTE offsets from the
 * start of the ELF section, not instruction indices, and not from the program start (several
 * programs can share a section). Strings come from the object's .BTF.
 *
 * <pre>
 *  btf_ext_header: u16 magic EB9F | u8 version 1 | u8 flags | u32 hdr_len
 *                  u32 func_info_off | u32 func_info_len | u32 line_info_off | u32 line_info_len
 *                  [u32 core_relo_off | u32 core_relo_len]     (hdr_len &gt;= 32)
 *  each info block (offsets relative to the end of the header):
 *    u32 rec_size, then per ELF section:
 *    +--------------+-----------+--------------------------------+
 *    | sec_name_off | num_info  | num_info records of rec_size    |
 *    +--------------+-----------+--------------------------------+
 *  func_info  {u32 insn_off; u32 type_id}                                      (8 bytes)
 *  line_info  {u32 insn_off; u32 file_name_off; u32 line_off; u32 line_col}    (16 bytes)
 *             line_col = line &lt;&lt; 10 | column
 *  core_relo  {u32 insn_off; u32 type_id; u32 access_str_off; u32 kind}        (16 bytes)
 * </pre>
 *
 * Larger {@code rec_size}s than these (a newer producer) are accepted and the tail ignored.
 */
public record BtfExt(
    int hdrLen,
    int funcInfoRecSize,
    int lineInfoRecSize,
    int coreReloRecSize,
    List<Section<FuncInfo>> funcInfo,
    List<Section<LineInfo>> lineInfo,
    List<Section<CoreRelo>> coreRelos) {

  /** The records one ELF section (e.g. "xdp", ".text") contributes. */
  public record Section<T>(String name, List<T> records) {}

  /** A function starting at {@code insnOff}; {@code typeId} is its FUNC in .BTF. */
  public record FuncInfo(int insnOff, int typeId) {
    public int insnIndex() {
      return insnOff / 8;
    }
  }

  /** Source position of the instruction at {@code insnOff}, with the source line's text. */
  public record LineInfo(int insnOff, String fileName, String sourceLine, int line, int column) {
    public int insnIndex() {
      return insnOff / 8;
    }

    /** "file.c:42:7". */
    public String location() {
      return fileName + ":" + line + ":" + column;
    }

    /**
     * The comment bpftool's {@code prog dump xlated} prints before the instruction ({@code
     * btf_dump_linfo_plain} with prefix "; "): the left-trimmed source line, and with {@code linum}
     * " [file:F line_num:L line_col:C]".
     */
    public String bpftoolComment(boolean linum) {
      int i = 0;
      // C isspace(): space, \t, \n, \v, \f, \r
      while (i < sourceLine.length() && " \t\n\u000b\f\r".indexOf(sourceLine.charAt(i)) >= 0) {
        i++;
      }
      String text = "; " + sourceLine.substring(i);
      return linum
          ? text + " [file:" + fileName + " line_num:" + line + " line_col:" + column + "]"
          : text;
    }
  }

  /** One CO-RE relocation: {@code kind} is {@code enum bpf_core_relo_kind}. */
  public record CoreRelo(int insnOff, int typeId, int accessStrOff, String accessStr, int kind) {
    public int insnIndex() {
      return insnOff / 8;
    }

    /** libbpf's {@code core_relo_kind_str} spelling of {@link #kind}. */
    public String kindName() {
      return kind >= 0 && kind < KIND_NAMES.length ? KIND_NAMES[kind] : "unknown";
    }
  }

  /** Indexed by {@code enum bpf_core_relo_kind} (uapi linux/bpf.h). */
  public static final String[] KIND_NAMES = {
    "byte_off",
    "byte_sz",
    "field_exists",
    "signed",
    "lshift_u64",
    "rshift_u64",
    "local_type_id",
    "target_type_id",
    "type_exists",
    "type_size",
    "enumval_exists",
    "enumval_value",
    "type_matches",
  };

  /** Parses {@code ext} against the object's {@code btf}; see {@link BtfExtReader}. */
  public static BtfExt parse(byte[] ext, Btf btf) {
    return BtfExtReader.read(ext, btf, ".BTF.ext");
  }

  public static BtfExt parse(byte[] ext, Btf btf, String source) {
    return BtfExtReader.read(ext, btf, source);
  }

  /** Func info of ELF section {@code name} (empty when none). */
  public List<FuncInfo> funcInfo(String name) {
    return find(funcInfo, name);
  }

  public List<LineInfo> lineInfo(String name) {
    return find(lineInfo, name);
  }

  public List<CoreRelo> coreRelos(String name) {
    return find(coreRelos, name);
  }

  private static <T> List<T> find(List<Section<T>> sections, String name) {
    for (Section<T> s : sections) {
      if (s.name().equals(name)) {
        return s.records();
      }
    }
    return List.of();
  }
}
