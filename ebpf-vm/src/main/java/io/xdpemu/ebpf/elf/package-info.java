/**
 * ELF objects from clang -target bpf: sections, symbols, programs, relocations, global data, .BTF.ext.
 */
package io.xdpemu.ebpf.elf;
