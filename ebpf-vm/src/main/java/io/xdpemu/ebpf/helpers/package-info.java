/**
 * BPF helpers and XDP kfuncs with the kernel's semantics and return codes, registered by id.
 */
package io.xdpemu.ebpf.helpers;
