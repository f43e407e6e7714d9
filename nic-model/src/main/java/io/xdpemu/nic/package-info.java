/**
 * The software NIC (module nic-model): firmware (parse graph, packet types, RSS, metadata and
 * descriptor layouts), RX queues, frame pool (netty-buffer), hot swap, BTF export. Depends on
 * ebpf-vm (BTF, kernel memory, XdpBuff) only; must not import io.xdpemu.verifier or io.xdpemu.runtime.
 */
package io.xdpemu.nic;
