/**
 * BPF maps with Linux 6.18 semantics, addressable through regions of the memory model.
 */
package io.xdpemu.ebpf.maps;
