package io.xdpemu.verifier;

import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfKind;
import io.xdpemu.ebpf.isa.Disassembler;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;

/**
 * What the verifier log's instruction text needs beyond the instructions, for the shared {@link
 * Disassembler}: the kernel's verifier calls {@code print_bpf_insn()} with {@code cb_call =
 * disasm_kfunc_name} and no {@code cb_imm}, so a kfunc prints by name and {@code ld_imm64} as
 * {@code 0x%llx} of its immediate, a pointer immediate (map, map value, BTF id) as {@code 0x0}
 * unless the loader may see pointers ({@code allow_ptr_leaks}).
 */
final class LogInsnText implements Disassembler.Resolver {
  private final ProgramInfo info;
  private final boolean allowPtrLeaks;

  private LogInsnText(ProgramInfo info, boolean allowPtrLeaks) {
    this.info = info;
    this.allowPtrLeaks = allowPtrLeaks;
  }

  static Disassembler disassembler(ProgramInfo info, boolean allowPtrLeaks) {
    return new Disassembler(new LogInsnText(info, allowPtrLeaks));
  }

  @Override
  public String kfuncName(int pc, Insn insn) {
    return info.kfuncName(pc);
  }

  @Override
  public int kfuncId(int pc, Insn insn) {
    String name = info.kfuncName(pc);
    Btf btf = name == null ? null : info.kernelBtf();
    int id = btf == null ? -1 : btf.find(name, BtfKind.FUNC);
    return id >= 0 ? id : insn.imm();
  }

  @Override
  public String ldImm64(int pc, Insn insn, Insn next) {
    int src = insn.src();
    boolean isPtr =
        src == Opcodes.PSEUDO_MAP_FD
            || src == Opcodes.PSEUDO_MAP_VALUE
            || src == Opcodes.PSEUDO_MAP_IDX
            || src == Opcodes.PSEUDO_MAP_IDX_VALUE
            || src == Opcodes.PSEUDO_BTF_ID;
    if (isPtr && !allowPtrLeaks) {
      return "0x0";
    }
    // A privileged loader sees the kernel's address of the map or value there, which no emulator
    // has: the map stands in for it.
    if (src == Opcodes.PSEUDO_MAP_FD || src == Opcodes.PSEUDO_MAP_IDX) {
      return "map[id:" + insn.imm() + "]";
    }
    if (src == Opcodes.PSEUDO_MAP_VALUE || src == Opcodes.PSEUDO_MAP_IDX_VALUE) {
      return "map[id:" + insn.imm() + "][0]+" + next.imm();
    }
    long full = ((long) next.imm() << 32) | (insn.imm() & 0xffffffffL);
    return "0x" + Long.toHexString(full);
  }
}
