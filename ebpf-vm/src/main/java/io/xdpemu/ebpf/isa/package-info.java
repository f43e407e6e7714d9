/**
 * Instruction model (RFC 9669): slots, opcodes, decoder with validation, assembler for the
 * bpf_conformance text syntax, disassembler in the kernel's notation (bpftool prog dump xlated).
 */
package io.xdpemu.ebpf.isa;
