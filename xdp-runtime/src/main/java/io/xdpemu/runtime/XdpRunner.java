package io.xdpemu.runtime;

import io.xdpemu.ebpf.vm.ExecutionContext;

/**
 * The attached program as the replay sees it: run it on the frame set up in {@code ctx} and return
 * r0. Implemented over an engine's {@code Executable} by the load pipeline, and by plain lambdas in
 * tests. May throw {@link io.xdpemu.ebpf.vm.TrapException} (the packet is then XDP_ABORTED with
 * that reason).
 */
@FunctionalInterface
public interface XdpRunner {
  long run(ExecutionContext ctx);
}
