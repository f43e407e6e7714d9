/**
 * ELF objects from {@code clang -O2 -g -target bpf}, read as libbpf's bpf_object__open and
 * bpf_object__relocate read them: {@link io.xdpemu.ebpf.elf.ElfFile} (ELF64 little-endian only:
 * section headers, symbols, REL entries, every offset checked), {@link
 * io.xdpemu.ebpf.elf.BpfObjectReader} (programs per function symbol, several per section; maps from
 * {@code .maps} BTF definitions, the legacy {@code maps} section and global data; license; {@code
 * .BTF}/{@code .BTF.ext}), {@link io.xdpemu.ebpf.elf.ProgramLinker} (subprograms appended in
 * libbpf's order, calls, function addresses, map/global-data loads, kfunc externs) producing {@link
 * io.xdpemu.ebpf.elf.ProgramSpec}s inside a {@link io.xdpemu.ebpf.elf.BpfObject}.
 *
 * <p>Depends on {@code isa}, {@code btf} and {@code maps} (definitions only). CO-RE is applied
 * afterwards by {@code io.xdpemu.ebpf.core}; creating maps and binding helpers is the load
 * pipeline's job (xdp-runtime). Malformed input raises {@code MalformedInputException} naming the
 * file, the section or offset and the problem.
 */
package io.xdpemu.ebpf.elf;
