/**
 * Picks an engine by name for the runtime and the benchmarks. The only package that knows every
 * engine; {@code vm} and {@code jit} never import it.
 */
package io.xdpemu.ebpf.engines;
