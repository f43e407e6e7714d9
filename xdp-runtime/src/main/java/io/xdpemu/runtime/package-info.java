/**
 * The load pipeline and replay (module xdp-runtime): ELF + BTF + CO-RE + maps + verifier + engine,
 * RX queue threads, actions and sinks, statistics. May depend on every other module.
 */
package io.xdpemu.runtime;
