package io.xdpemu.verifier;

import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.elf.XdpAttachType;
import io.xdpemu.ebpf.maps.MapDefinition;
import java.util.List;

/**
 * What the loader knows that the instructions alone do not say: which map each {@code ld_imm64}
 * refers to, the program's functions with their BTF signatures (for global functions, checked
 * separately against their prototype as btf_prepare_func_args() does), and kfunc names. The
 * verifier depends only on this interface, not on the ELF loader.
 */
public interface ProgramInfo {

  /** The map (or map value address) {@code ld_imm64} at {@code pc} loads; null if none. */
  default LdImm64Target ldImm64(int pc) {
    return null;
  }

  /** Functions by start instruction; empty = one function, static subprograms found from calls. */
  default List<FunctionInfo> functions() {
    return List.of();
  }

  /** The kfunc a {@code call} with src 2 at {@code pc} targets, by name; null if unknown. */
  default String kfuncName(int pc) {
    return null;
  }

  /**
   * The source line covering {@code pc} ({@code .BTF.ext} line_info), or null; the log prints
   * {@code ; text @ file.c:N} before an instruction whenever this changes (verbose_linfo()).
   */
  default String lineInfo(int pc) {
    return null;
  }

  /** The program's {@code expected_attach_type}; it decides which xdp_md fields are readable. */
  default XdpAttachType attachType() {
    return XdpAttachType.XDP;
  }

  /**
   * The kernel's BTF (vmlinux), where kfunc prototypes and the kernel structs they return are
   * declared; null when unknown (kfuncs other than the XDP metadata ones are then refused).
   */
  default Btf kernelBtf() {
    return null;
  }

  /** The program name used in messages. */
  default String name() {
    return "prog";
  }

  ProgramInfo NONE = new ProgramInfo() {};

  /**
   * A resolved {@code ld_imm64}: a map pointer ({@code valueOffset < 0}) or the address of a map's
   * value plus an offset (global data, BPF_PSEUDO_MAP_VALUE).
   */
  record LdImm64Target(int mapIndex, MapDefinition map, int valueOffset) {
    public boolean isMapValue() {
      return valueOffset >= 0;
    }
  }

  /** Kinds of global-function arguments the kernel supports (btf_prepare_func_args). */
  enum ArgKind {
    SCALAR,
    CTX,
    /** pointer to sized memory, may be NULL (PTR_TO_MEM | PTR_MAYBE_NULL). */
    MEM,
    UNSUPPORTED
  }

  /**
   * One function of the program: its first instruction, name, whether it is global (verified once
   * against its BTF prototype) and, for globals, the kinds and sizes of its arguments.
   */
  record FunctionInfo(
      int start,
      String name,
      boolean global,
      List<ArgKind> args,
      List<Integer> argSizes,
      boolean returnsScalar) {}
}
