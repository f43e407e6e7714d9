/**
 * BTF: raw wire records, the decoded type model, reader/writer, split BTF, C and raw dumps.
 */
package io.xdpemu.ebpf.btf;
