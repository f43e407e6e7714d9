/**
 * BTF: raw wire records, the decoded type model, reader/writer, split BTF, C and raw dumps.
 *
 * <ul>
 *   <li>{@link io.xdpemu.ebpf.btf.Btf} one BTF object (standalone, or split on a base: ids and
 *       string offsets continue the base's); {@link io.xdpemu.ebpf.btf.RawType} the wire record,
 *       {@link io.xdpemu.ebpf.btf.BtfType} the decoded model (types refer to each other by id).
 *   <li>{@link io.xdpemu.ebpf.btf.BtfReader} / {@link io.xdpemu.ebpf.btf.BtfWriter}: every kind,
 *       {@code hdr_len} and the 2026 layout section honoured, unknown header bytes and kinds kept,
 *       both byte orders; a parsed file is written back byte for byte.
 *   <li>{@link io.xdpemu.ebpf.btf.BtfBuilder} types built in code (the NIC's layout export); {@link
 *       io.xdpemu.ebpf.btf.BtfMerge} split + base into one standalone BTF (libbpf's {@code
 *       btf_custom_path} cannot be split).
 *   <li>{@link io.xdpemu.ebpf.btf.BtfRawDump} / {@link io.xdpemu.ebpf.btf.BtfCDump}: bpftool's
 *       {@code btf dump file X [format c]}, byte-identical to bpftool 7.1.
 *   <li>{@link io.xdpemu.ebpf.btf.BaseBtf} the base for CO-RE: {@code --vmlinux}, the running
 *       kernel's, or the bundled subset made by {@link io.xdpemu.ebpf.btf.BaseBtfGenerator}.
 *   <li>{@link io.xdpemu.ebpf.btf.BtfExt} .BTF.ext func_info / line_info / core_relo records.
 * </ul>
 *
 * Malformed input of any kind is a {@link io.xdpemu.ebpf.MalformedInputException} whose message
 * names the source and byte offset.
 */
package io.xdpemu.ebpf.btf;
