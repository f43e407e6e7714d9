/**
 * JMH benchmarks (module benchmarks), packaged as benchmarks.jar. Depends on xdp-runtime.
 */
package io.xdpemu.bench;
