package io.xdpemu.ebpf.core;

/**
 * What one CO-RE relocation decided (libbpf's {@code struct bpf_core_relo_res}), computed before
 * any instruction is touched.
 *
 * @param origVal the value the instruction must hold (computed from the local BTF)
 * @param newVal the value to patch in (computed from the target BTF)
 * @param poison the instruction becomes {@code call 0xbad2310}
 * @param validate whether the instruction must hold {@code origVal}
 * @param failMemszAdjust the load/store width would need an unsafe change (poisons LDX/ST/STX)
 * @param origSize local field size for load/store width fix-up (0 when not applicable)
 * @param newSize target field size
 * @param origTypeId local field type id
 * @param newTypeId target field type id
 */
public record CoreFixup(
    long origVal,
    long newVal,
    boolean poison,
    boolean validate,
    boolean failMemszAdjust,
    int origSize,
    int newSize,
    int origTypeId,
    int newTypeId) {}
