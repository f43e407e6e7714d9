package io.xdpemu.ebpf.core;

import io.xdpemu.ebpf.elf.ProgramSpec;
import io.xdpemu.ebpf.isa.Insn;
import java.util.List;
import java.util.Map;

/**
 * A program after CO-RE: patched slots, what was applied where, and the poisoned slots with the
 * message to report when one is reached ({@code failed to resolve CO-RE relocation <spec>}, as
 * libbpf rewrites the verifier's {@code invalid func unknown#195896080}).
 */
public record RelocatedProgram(
    ProgramSpec spec,
    Insn[] insns,
    List<AppliedCoreRelocation> applied,
    Map<Integer, String> poisoned) {

  /** The poison immediate: {@code call 0xbad2310} ("bad relo"), libbpf bpf_core_poison_insn. */
  public static final int POISON_IMM = 195896080;

  /** True when {@code pc} holds a poisoned instruction. */
  public boolean isPoisoned(int pc) {
    return poisoned.containsKey(pc);
  }
}
