/**
 * CO-RE relocation with libbpf's rules (relo_core.c): fixups first, instruction patching second, poisoning.
 */
package io.xdpemu.ebpf.core;
