package io.xdpemu.ebpf.core;

/**
 * One {@code struct bpf_core_relo} of {@code .BTF.ext}, with its strings resolved:
 *
 * <pre>
 *  0          4          8                12
 * +----------+----------+----------------+----------+
 * | insn_off | type_id  | access_str_off | kind     |   (16 bytes, rec_size from the file)
 * +----------+----------+----------------+----------+
 * </pre>
 *
 * @param section the ELF section the instruction is in
 * @param insnOff byte offset of the instruction from the start of that section
 * @param typeId local root type id in the object's {@code .BTF}
 * @param accessString e.g. {@code "0:1:2"} (enumerator index for enum kinds, "0" for types)
 * @param kind relocation kind number (see {@link CoreKind})
 * @param index position of the record among all records of the object (libbpf's "relo #N" counts
 *     per section; we keep the per-section index here)
 */
public record CoreRelocationRecord(
    String section, int insnOff, int typeId, String accessString, int kind, int index) {}
