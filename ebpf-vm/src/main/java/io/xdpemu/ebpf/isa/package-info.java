/**
 * Instruction model (RFC 9669 incl. ISA v4, callx, ld_imm64 src 0-6, local and kfunc calls): {@link
 * io.xdpemu.ebpf.isa.Insn} slots and {@link io.xdpemu.ebpf.isa.Opcodes}; {@link
 * io.xdpemu.ebpf.isa.Decoder} (bytes/words to validated slots, refusing malformed encodings with
 * the instruction index); {@link io.xdpemu.ebpf.isa.Assembler} for the bpf_conformance text syntax
 * (tests read like the suite's .data files); {@link io.xdpemu.ebpf.isa.Disassembler} in the
 * kernel's notation (print_bpf_insn: bpftool prog dump xlated and the verifier log; the only
 * disassembler of the project), with {@link io.xdpemu.ebpf.isa.HelperNames} (the only table of
 * helper names). Depends on nothing but the exception hierarchy.
 */
package io.xdpemu.ebpf.isa;
