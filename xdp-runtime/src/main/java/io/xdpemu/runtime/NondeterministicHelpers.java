package io.xdpemu.runtime;

import io.xdpemu.ebpf.helpers.HelperIds;
import io.xdpemu.ebpf.isa.HelperNames;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import java.util.Set;
import java.util.TreeSet;

/**
 * The helpers whose answer differs from run to run and from the emulator to the kernel (clocks and
 * random numbers): a packet whose result depends on them cannot be expected to agree, so {@code
 * diff} classifies its differences as such instead of counting mismatches. Probe reads are not
 * here: whether one read memory xdpemu does not model is known per run ({@link
 * io.xdpemu.ebpf.vm.KernelMemory#hostDependentReads()}).
 */
final class NondeterministicHelpers {
  private NondeterministicHelpers() {}

  private static final Set<Integer> IDS =
      Set.of(
          HelperIds.KTIME_GET_NS,
          HelperIds.GET_PRANDOM_U32,
          HelperIds.JIFFIES64,
          HelperIds.KTIME_GET_BOOT_NS,
          HelperIds.KTIME_GET_COARSE_NS,
          HelperIds.KTIME_GET_TAI_NS);

  /** The names of such helpers {@code insns} calls ("bpf_ktime_get_ns, ..."), or null for none. */
  static String usedBy(Insn[] insns) {
    Set<String> names = new TreeSet<>();
    for (Insn i : insns) {
      if (i != null && i.opcode() == Opcodes.CALL_OP && i.src() == 0 && IDS.contains(i.imm())) {
        names.add(HelperNames.name(i.imm()));
      }
    }
    return names.isEmpty() ? null : String.join(", ", names);
  }
}
