package io.xdpemu.ebpf.core;

import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares our relocated slots with libbpf's. Map loads differ by design (libbpf puts a file
 * descriptor in imm, we put the map index), so {@code ld_imm64} with a map source compares opcode,
 * registers and source only, plus the value offset for BPF_PSEUDO_MAP_VALUE; kfunc calls compare
 * opcode and source (libbpf writes the kernel's BTF id, xdpemu binds by name).
 */
final class OracleComparison {
  private OracleComparison() {}

  static List<String> differences(Insn[] ours, List<long[]> theirs) {
    List<String> out = new ArrayList<>();
    if (ours.length != theirs.size()) {
      out.add("length " + ours.length + " != libbpf " + theirs.size());
    }
    int mapLoadSecondSlot = -1;
    int valueSecondSlot = -1;
    for (int pc = 0; pc < Math.min(ours.length, theirs.size()); pc++) {
      Insn a = ours[pc];
      long[] b = theirs.get(pc);
      boolean same;
      if (pc == mapLoadSecondSlot) {
        same = a.opcode() == b[0] && (pc != valueSecondSlot || a.imm() == b[4]);
      } else if (b[0] == Opcodes.LD_IMM64
          && (b[2] == Opcodes.PSEUDO_MAP_FD
              || b[2] == Opcodes.PSEUDO_MAP_VALUE
              || b[2] == Opcodes.PSEUDO_MAP_IDX
              || b[2] == Opcodes.PSEUDO_MAP_IDX_VALUE)) {
        same = a.opcode() == b[0] && a.dst() == b[1] && a.src() == b[2] && a.off() == b[3];
        mapLoadSecondSlot = pc + 1;
        valueSecondSlot = b[2] == Opcodes.PSEUDO_MAP_VALUE ? pc + 1 : -1;
      } else if (b[0] == Opcodes.CALL_OP && b[2] == Opcodes.PSEUDO_KFUNC_CALL) {
        // kfunc: libbpf puts the vmlinux BTF id (and module fd index) there; we keep the name
        same = a.opcode() == b[0] && a.src() == b[2];
      } else {
        same =
            a.opcode() == b[0]
                && a.dst() == b[1]
                && a.src() == b[2]
                && a.off() == b[3]
                && a.imm() == b[4];
      }
      if (!same) {
        out.add(
            "insn #"
                + pc
                + ": ours "
                + String.format("%02x %d %d %d %d", a.opcode(), a.dst(), a.src(), a.off(), a.imm())
                + " libbpf "
                + String.format("%02x %d %d %d %d", b[0], b[1], b[2], b[3], b[4]));
      }
    }
    return out;
  }
}
