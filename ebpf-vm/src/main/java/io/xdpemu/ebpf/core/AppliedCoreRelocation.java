package io.xdpemu.ebpf.core;

/**
 * One relocation as applied at {@code pc} of a program.
 *
 * @param pc the patched slot
 * @param record the .BTF.ext record
 * @param fixup the decision
 * @param localSpec libbpf's formatted local spec, e.g. {@code <byte_off> [8] struct m.hash (0:1 @
 *     offset 8)}
 * @param patch what changed, in libbpf's debug-log words ({@code off 8 -> 0}, {@code mem_sz 8 ->
 *     4}, {@code poisoned})
 */
public record AppliedCoreRelocation(
    int pc, CoreRelocationRecord record, CoreFixup fixup, String localSpec, String patch) {}
