/**
 * Execution: memory model (regions, tagged pointers, simulated kernel memory), helper registry,
 * execution context and the interpreter. The interpreter must not depend on the verifier.
 */
package io.xdpemu.ebpf.vm;
