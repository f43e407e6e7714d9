/**
 * The BPF subsystem (module ebpf-vm): instruction model, BTF, ELF objects, CO-RE, maps, helpers,
 * memory model and interpreter. Owns the exception hierarchy rooted at {@link
 * io.xdpemu.ebpf.XdpemuException}. Depends on nothing of ours (the JDK, jackson-core for JSON files
 * and ASM for the JIT); must never import io.xdpemu.verifier, io.xdpemu.nic or io.xdpemu.runtime.
 * Facts the verifier proves reach the engines through interfaces defined here.
 */
package io.xdpemu.ebpf;
