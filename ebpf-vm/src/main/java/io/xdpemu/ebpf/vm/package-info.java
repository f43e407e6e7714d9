/**
 * Execution: memory model (regions, tagged pointers, simulated kernel memory), helper registry,
 * execution context and the engines. {@link io.xdpemu.ebpf.vm.Engine} / {@link
 * io.xdpemu.ebpf.vm.Executable} are what the runtime calls; {@link io.xdpemu.ebpf.vm.Interpreter}
 * is the first engine; {@link io.xdpemu.ebpf.vm.AluSemantics} holds every subtle arithmetic rule
 * once for all engines; {@link io.xdpemu.ebpf.vm.MemoryAccess} does bounds-checked loads/stores and
 * the kernel's xdp_md conversion. The interpreter must not depend on the verifier.
 */
package io.xdpemu.ebpf.vm;
