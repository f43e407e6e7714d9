package io.xdpemu.ebpf.elf;

import io.xdpemu.ebpf.btf.BtfExt;
import io.xdpemu.ebpf.isa.Insn;
import java.util.List;

/**
 * One entry-point program of an object after libbpf-style code relocation: its own instructions
 * followed by every subprogram it calls (transitively), appended in libbpf's order
 * (bpf_object__reloc_code: depth first, each subprogram once per program), with BPF-to-BPF calls
 * and {@code ld_imm64} function addresses pointing at the appended copies.
 *
 * <p>Map and global-data loads are rewritten the way libbpf rewrites them, except that the map is
 * named by its index in {@link BpfObject#maps()} instead of a file descriptor: a map load becomes
 * {@code ld_imm64 src=1 (BPF_PSEUDO_MAP_FD) imm=mapIndex}; a global-data load becomes {@code
 * ld_imm64 src=2 (BPF_PSEUDO_MAP_VALUE) imm=mapIndex}, second slot imm = offset into the value.
 * Calls of {@code __ksym} kernel functions become {@code call src=2 (BPF_PSEUDO_KFUNC_CALL) imm=0};
 * the name is kept in {@link #externs()} for the runtime to bind.
 *
 * @param name the function name
 * @param section the ELF section the function is in ({@code xdp}, {@code xdp.frags}, ...)
 * @param insns all slots, subprograms appended
 * @param mapReferences every map or global-data {@code ld_imm64}
 * @param externs every call of, or load from, an extern symbol
 * @param segments which part of which ELF section each range of {@code insns} came from, so that
 *     .BTF.ext records (which are per section, byte offsets) can be mapped to program counters
 * @param funcInfo .BTF.ext func_info of the program and its appended subprograms, by pc
 * @param lineInfo .BTF.ext line_info, by pc (ascending)
 */
public record ProgramSpec(
    String name,
    String section,
    Insn[] insns,
    List<MapReference> mapReferences,
    List<ExternReference> externs,
    List<CodeSegment> segments,
    List<FuncInfoAt> funcInfo,
    List<LineInfoAt> lineInfo) {

  /** A .BTF.ext func_info record placed at program counter {@code pc}: FUNC {@code typeId}. */
  public record FuncInfoAt(int pc, int typeId) {}

  /** A .BTF.ext line_info record placed at program counter {@code pc}. */
  public record LineInfoAt(int pc, BtfExt.LineInfo info) {}

  /** The source line of {@code pc}: the line_info at or before it, or null. */
  public BtfExt.LineInfo lineAt(int pc) {
    BtfExt.LineInfo best = null;
    for (LineInfoAt l : lineInfo) {
      if (l.pc() <= pc) {
        best = l.info();
      } else {
        break;
      }
    }
    return best;
  }

  /**
   * An {@code ld_imm64} at {@code pc} loading a map ({@code value == false}) or a pointer {@code
   * offset} bytes into the value of a one-element global-data map ({@code value == true}).
   */
  public record MapReference(int pc, String mapName, int mapIndex, int offset, boolean value) {}

  /** How an extern symbol is used. */
  public enum ExternKind {
    /** {@code call} of an extern function (kfunc, {@code __ksym}). */
    FUNCTION,
    /** {@code ld_imm64} of an extern variable ({@code __ksym} variable or {@code .kconfig}). */
    VARIABLE
  }

  /** A use of an extern symbol at {@code pc}. */
  public record ExternReference(int pc, String name, ExternKind kind, boolean weak) {}

  /**
   * Slots {@code [pc, pc + length)} of the program are the function {@code function} found at
   * instruction index {@code sectionInsnOffset} of ELF section {@code section}.
   */
  public record CodeSegment(
      int pc, int length, String section, int sectionInsnOffset, String function) {

    /** The program counter of the slot at byte offset {@code sectionByteOffset}, or -1. */
    public int pcOf(String sectionName, long sectionByteOffset) {
      if (!section.equals(sectionName) || sectionByteOffset % 8 != 0) {
        return -1;
      }
      long idx = sectionByteOffset / 8 - sectionInsnOffset;
      return idx >= 0 && idx < length ? pc + (int) idx : -1;
    }
  }

  /**
   * True for sections libbpf loads as XDP: xdp, xdp.frags, xdp/..., xdp.frags/..., and the legacy
   * xdp_devmap/... and xdp_cpumap/...
   */
  public boolean isXdpSection() {
    return section.equals("xdp")
        || section.equals("xdp.frags")
        || section.startsWith("xdp/")
        || section.startsWith("xdp.frags/")
        || section.startsWith("xdp_devmap/")
        || section.startsWith("xdp_cpumap/");
  }

  /** The {@code expected_attach_type} libbpf would load this program with. */
  public XdpAttachType attachType() {
    return XdpAttachType.ofSection(section);
  }

  /** True for the multi-buffer variants ({@code BPF_F_XDP_HAS_FRAGS}). */
  public boolean frags() {
    return section.startsWith("xdp.frags");
  }

  /** Program counters of the slot at {@code sectionByteOffset} of {@code sectionName} (0..n). */
  public int[] pcsOf(String sectionName, long sectionByteOffset) {
    return segments.stream()
        .mapToInt(s -> s.pcOf(sectionName, sectionByteOffset))
        .filter(pc -> pc >= 0)
        .toArray();
  }
}
