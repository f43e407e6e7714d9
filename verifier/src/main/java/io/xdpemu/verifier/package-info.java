/**
 * The static checker (module verifier): abstract states (register types, tnums, bounds), helper
 * prototypes, the kernel's rules and messages, the kernel-style log. Depends on ebpf-vm only; must
 * not import io.xdpemu.nic or io.xdpemu.runtime.
 */
package io.xdpemu.verifier;
