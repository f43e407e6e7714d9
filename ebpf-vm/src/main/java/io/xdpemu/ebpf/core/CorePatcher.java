package io.xdpemu.ebpf.core;

import io.xdpemu.ebpf.elf.ProgramSpec;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies decided fixups to one program's slots: relo_core.c bpf_core_patch_insn. ALU/ALU64 with an
 * immediate get {@code imm}; LDX/ST/STX get {@code off} (and their width changed when the field
 * size changed safely); {@code ld_imm64} gets the 64-bit immediate. Unless the fixup says not to
 * validate, the instruction must hold the local value first. Poisoning turns the slot (both slots
 * of {@code ld_imm64}) into {@code call 0xbad2310}.
 */
final class CorePatcher {
  private CorePatcher() {}

  static RelocatedProgram patch(ProgramSpec p, List<CoreRelocator.Decision> decisions) {
    Insn[] insns = p.insns().clone();
    List<AppliedCoreRelocation> applied = new ArrayList<>();
    Map<Integer, String> poisoned = new TreeMap<>();
    for (CoreRelocator.Decision d : decisions) {
      for (int pc : p.pcsOf(d.record().section(), Integer.toUnsignedLong(d.record().insnOff()))) {
        String what = patchOne(p, insns, pc, d);
        applied.add(new AppliedCoreRelocation(pc, d.record(), d.fixup(), d.localSpec(), what));
        if (insns[pc].opcode() == Opcodes.CALL_OP
            && insns[pc].imm() == RelocatedProgram.POISON_IMM
            && what.startsWith("poisoned")) {
          String msg = "failed to resolve CO-RE relocation " + d.localSpec();
          poisoned.put(pc, msg);
          if (what.startsWith("poisoned ld_imm64")) {
            poisoned.put(pc + 1, msg);
          }
        }
      }
    }
    return new RelocatedProgram(p, insns, List.copyOf(applied), Map.copyOf(poisoned));
  }

  private static String patchOne(ProgramSpec p, Insn[] insns, int pc, CoreRelocator.Decision d) {
    CoreFixup f = d.fixup();
    Insn insn = insns[pc];
    String where = "prog '" + p.name() + "': relo #" + d.record().index() + ": insn #" + pc;
    if (f.poison()) {
      return poison(insns, pc);
    }
    long orig = f.origVal();
    long neu = f.newVal();
    switch (insn.cls()) {
      case Opcodes.ALU:
      case Opcodes.ALU64:
        {
          if ((insn.opcode() & Opcodes.X) != 0) {
            throw new CoreRelocationException(where + " (ALU/ALU64) has a register source");
          }
          if (f.validate() && (long) insn.imm() != orig) {
            throw new CoreRelocationException(
                where
                    + " unexpected insn (ALU/ALU64) value: got "
                    + insn.imm()
                    + ", exp "
                    + Long.toUnsignedString(orig)
                    + " -> "
                    + Long.toUnsignedString(neu));
          }
          insns[pc] = insn.withImm((int) neu);
          return "imm " + insn.imm() + " -> " + Long.toUnsignedString(neu);
        }
      case Opcodes.LDX:
      case Opcodes.ST:
      case Opcodes.STX:
        {
          if (f.validate() && (long) insn.off() != orig) {
            throw new CoreRelocationException(
                where
                    + " unexpected insn (LDX/ST/STX) value: got "
                    + insn.off()
                    + ", exp "
                    + Long.toUnsignedString(orig)
                    + " -> "
                    + Long.toUnsignedString(neu));
          }
          if (Long.compareUnsigned(neu, Short.MAX_VALUE) > 0) {
            throw new CoreRelocationException(
                where + " (LDX/ST/STX) value too big: " + Long.toUnsignedString(neu));
          }
          if (f.failMemszAdjust()) {
            // libbpf: "accesses field incorrectly. Make sure you are accessing pointers, unsigned
            // integers, or fields of matching type and size." - then poisons
            return poison(insns, pc) + " (accesses field incorrectly)";
          }
          Insn out = insn.withOff((int) neu);
          String what = "off " + insn.off() + " -> " + neu;
          if (f.newSize() != f.origSize()) {
            int bytes = Opcodes.sizeBytes(insn.opcode());
            if (bytes != f.origSize()) {
              throw new CoreRelocationException(
                  where
                      + " (LDX/ST/STX) unexpected mem size: got "
                      + bytes
                      + ", exp "
                      + f.origSize());
            }
            int code = sizeCode(f.newSize());
            if (code < 0) {
              throw new CoreRelocationException(
                  where + " (LDX/ST/STX) invalid new mem size: " + f.newSize());
            }
            out = out.withOpcode((insn.opcode() & ~0x18) | code);
            what += ", mem_sz " + f.origSize() + " -> " + f.newSize();
          }
          insns[pc] = out;
          return what;
        }
      case Opcodes.LD:
        {
          if (insn.opcode() != Opcodes.LD_IMM64
              || pc + 1 >= insns.length
              || insn.src() != 0
              || insn.off() != 0
              || insns[pc + 1].opcode() != 0
              || insns[pc + 1].dst() != 0
              || insns[pc + 1].src() != 0
              || insns[pc + 1].off() != 0) {
            throw new CoreRelocationException(where + " (LDIMM64) has unexpected form");
          }
          long imm = (insn.imm() & 0xffffffffL) | ((long) insns[pc + 1].imm() << 32);
          if (f.validate() && imm != orig) {
            throw new CoreRelocationException(
                where
                    + " unexpected insn (LDIMM64) value: got "
                    + Long.toUnsignedString(imm)
                    + ", exp "
                    + Long.toUnsignedString(orig)
                    + " -> "
                    + Long.toUnsignedString(neu));
          }
          insns[pc] = insn.withImm((int) neu);
          insns[pc + 1] = insns[pc + 1].withImm((int) (neu >>> 32));
          return "imm64 " + Long.toUnsignedString(imm) + " -> " + Long.toUnsignedString(neu);
        }
      default:
        throw new CoreRelocationException(
            where
                + " trying to relocate unrecognized insn, code:0x"
                + Integer.toHexString(insn.opcode()));
    }
  }

  private static String poison(Insn[] insns, int pc) {
    boolean ld = insns[pc].opcode() == Opcodes.LD_IMM64 && pc + 1 < insns.length;
    Insn bad = new Insn(Opcodes.CALL_OP, 0, 0, 0, RelocatedProgram.POISON_IMM);
    insns[pc] = bad;
    if (ld) {
      insns[pc + 1] = bad;
      return "poisoned ld_imm64";
    }
    return "poisoned";
  }

  private static int sizeCode(int bytes) {
    switch (bytes) {
      case 8:
        return Opcodes.DW;
      case 4:
        return Opcodes.W;
      case 2:
        return Opcodes.H;
      case 1:
        return Opcodes.B;
      default:
        return -1;
    }
  }
}
