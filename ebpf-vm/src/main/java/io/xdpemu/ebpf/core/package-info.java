/**
 * CO-RE relocation with libbpf's exact rules (libbpf.c bpf_object__relocate_core, relo_core.c):
 * access-string specs ({@code CoreSpecs}), essential names and type relations ({@code CoreTypes}),
 * per-candidate values ({@code CoreCalculator}), the candidate loop with ambiguity checks and
 * candidate pruning ({@link io.xdpemu.ebpf.core.CoreRelocator}) - fixups are computed first, then
 * instructions patched ({@code CorePatcher}): immediates, offsets, the LDX/ST/STX width fix-up, and
 * poisoning ({@code call 0xbad2310}) with libbpf's "failed to resolve CO-RE relocation" text
 * exposed per poisoned slot in {@link io.xdpemu.ebpf.core.RelocatedProgram}. The target ({@link
 * io.xdpemu.ebpf.core.CoreTarget}) is the kernel BTF, or a split BTF (a NIC's layout) on top of it,
 * or a standalone {@code --btf} file that replaces it.
 *
 * <p>Checked against libbpf + Linux on the kernel's core_reloc selftests (.ci/core-selftests.sh)
 * and the seed example (examples/seed).
 */
package io.xdpemu.ebpf.core;
