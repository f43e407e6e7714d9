package io.xdpemu.ebpf.elf;

import io.xdpemu.ebpf.isa.Insn;
import java.util.Map;

/**
 * One function symbol's code as found in its ELF section, before linking.
 *
 * @param name the symbol name
 * @param section the section holding it
 * @param sectionInsnOffset index of its first slot in the section
 * @param insns its slots (a copy)
 * @param relocations the section's relocations that fall inside it, keyed by slot index relative to
 *     the function's start
 * @param global true for STB_GLOBAL/STB_WEAK symbols
 * @param wholeSection true when the section has no function symbols and this is all of it (calls
 *     may then enter it at any instruction)
 */
record ElfFunction(
    String name,
    ElfSection section,
    int sectionInsnOffset,
    Insn[] insns,
    Map<Integer, ElfRelocation> relocations,
    boolean global,
    boolean wholeSection) {}
