package io.xdpemu.ebpf.btf;

import java.util.Arrays;

/**
 * One type record exactly as it sits in the type section (struct btf_type + kind data):
 *
 * <pre>
 *  0               4               8               12
 *  +---------------+---------------+---------------+------------------------------+
 *  | name_off      | info          | size / type   | kind data (data.length words) |
 *  +---------------+---------------+---------------+------------------------------+
 *  info: bits 0-23 vlen (0-15 before 2026), bits 24-30 kind (24-28), bit 31 kind_flag
 * </pre>
 *
 * The words are kept verbatim so that writing a parsed BTF back yields the same bytes; the decoded
 * view is {@link BtfType}. {@code data} is not copied: treat it as read-only.
 */
public record RawType(int nameOff, int info, int sizeOrType, int[] data) {
  /** Mask of the vlen bits; 2026 kernels widened vlen from 16 to 24 bits (previously zero). */
  public static final int VLEN_MASK = 0xffffff;

  /** Mask of the kind bits after shifting by 24; widened from 5 to 7 bits in 2026. */
  public static final int KIND_MASK = 0x7f;

  public static int info(int kind, int vlen, boolean kindFlag) {
    return (kindFlag ? 0x80000000 : 0) | (kind << 24) | (vlen & VLEN_MASK);
  }

  public int kindNumber() {
    return (info >>> 24) & KIND_MASK;
  }

  /** The kind, or null for a kind this reader does not know (skipped via the layout section). */
  public BtfKind kind() {
    return BtfKind.ofNumber(kindNumber());
  }

  public int vlen() {
    return info & VLEN_MASK;
  }

  public boolean kindFlag() {
    return info < 0;
  }

  /** Record length in bytes on the wire. */
  public int byteSize() {
    return 12 + 4 * data.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RawType r
        && r.nameOff == nameOff
        && r.info == info
        && r.sizeOrType == sizeOrType
        && Arrays.equals(r.data, data);
  }

  @Override
  public int hashCode() {
    return ((nameOff * 31 + info) * 31 + sizeOrType) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "RawType[nameOff="
        + nameOff
        + ", kind="
        + kindNumber()
        + ", vlen="
        + vlen()
        + ", kflag="
        + kindFlag()
        + ", sizeOrType="
        + Integer.toUnsignedString(sizeOrType)
        + ", data="
        + Arrays.toString(data)
        + "]";
  }
}
