package io.xdpemu.ebpf.vm;

import io.xdpemu.ebpf.isa.Insn;

/**
 * A loaded, linked program ready for an engine: the main function's slots followed by its
 * subprograms (BPF-to-BPF calls already point at their targets, as after libbpf's
 * bpf_object__relocate), the helpers it may call, and the loader's {@link Linkage}.
 *
 * @param name function name of the entry point
 * @param insns all slots (ld_imm64 takes two)
 * @param helpers helpers by id and kfuncs by name
 * @param linkage values of pseudo ld_imm64 and kfunc targets
 */
public record Program(String name, Insn[] insns, HelperRegistry helpers, Linkage linkage) {}
