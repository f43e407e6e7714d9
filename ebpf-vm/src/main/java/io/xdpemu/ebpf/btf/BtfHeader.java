package io.xdpemu.ebpf.btf;

import java.util.Arrays;

/**
 * The BTF header (struct btf_header, include/uapi/linux/btf.h). Section offsets are relative to the
 * END of the header, whose length is {@code hdr_len}, not a constant:
 *
 * <pre>
 *  0      2   3   4         8          12         16         20         24
 *  +------+---+---+---------+----------+----------+----------+----------+
 *  |magic |ver|flg| hdr_len | type_off | type_len | str_off  | str_len  |
 *  |EB9F  | 1 |   |         |          |          |          |          |
 *  +------+---+---+---------+----------+----------+----------+----------+
 *  24          28           32
 *  +-----------+------------+---- ... unknown tail up to hdr_len
 *  |layout_off | layout_len |       (kept verbatim for round trips)
 *  +-----------+------------+
 *  (only when hdr_len >= 32; the layout section appeared in 2026)
 * </pre>
 *
 * {@code tail} holds every header byte after the 24 classic ones (so also the layout fields), so a
 * header we do not fully understand is written back unchanged.
 */
public record BtfHeader(
    boolean bigEndian,
    int version,
    int flags,
    int hdrLen,
    int typeOff,
    int typeLen,
    int strOff,
    int strLen,
    byte[] tail) {
  public static final int MAGIC = 0xEB9F;
  public static final int CLASSIC_LEN = 24;
  public static final int WITH_LAYOUT_LEN = 32;

  /** A classic 24-byte little-endian header for the given section lengths (types first). */
  public static BtfHeader classic(int typeLen, int strLen) {
    return new BtfHeader(false, 1, 0, CLASSIC_LEN, 0, typeLen, typeLen, strLen, new byte[0]);
  }

  public boolean hasLayoutFields() {
    return hdrLen >= WITH_LAYOUT_LEN;
  }

  /** layout_off, or 0 when the header is too short to carry it. */
  public int layoutOff() {
    return hasLayoutFields() ? word(0) : 0;
  }

  /** layout_len, or 0 when the header is too short to carry it. */
  public int layoutLen() {
    return hasLayoutFields() ? word(4) : 0;
  }

  private int word(int tailOffset) {
    return bigEndian
        ? ((tail[tailOffset] & 0xff) << 24)
            | ((tail[tailOffset + 1] & 0xff) << 16)
            | ((tail[tailOffset + 2] & 0xff) << 8)
            | (tail[tailOffset + 3] & 0xff)
        : (tail[tailOffset] & 0xff)
            | ((tail[tailOffset + 1] & 0xff) << 8)
            | ((tail[tailOffset + 2] & 0xff) << 16)
            | ((tail[tailOffset + 3] & 0xff) << 24);
  }

  /** The same header with new section placement (the tail's layout fields are rewritten too). */
  public BtfHeader withSections(
      int typeOff, int typeLen, int strOff, int strLen, int layoutOff, int layoutLen) {
    byte[] t = tail.clone();
    if (hasLayoutFields()) {
      putWord(t, 0, layoutOff);
      putWord(t, 4, layoutLen);
    }
    return new BtfHeader(bigEndian, version, flags, hdrLen, typeOff, typeLen, strOff, strLen, t);
  }

  private void putWord(byte[] t, int at, int v) {
    for (int i = 0; i < 4; i++) {
      int shift = bigEndian ? 24 - 8 * i : 8 * i;
      t[at + i] = (byte) (v >>> shift);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BtfHeader h
        && h.bigEndian == bigEndian
        && h.version == version
        && h.flags == flags
        && h.hdrLen == hdrLen
        && h.typeOff == typeOff
        && h.typeLen == typeLen
        && h.strOff == strOff
        && h.strLen == strLen
        && Arrays.equals(h.tail, tail);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new int[] {hdrLen, typeOff, typeLen, strOff, strLen})
        ^ Arrays.hashCode(tail);
  }

  @Override
  public String toString() {
    return "BtfHeader[hdr_len="
        + hdrLen
        + ", type_off="
        + typeOff
        + ", type_len="
        + typeLen
        + ", str_off="
        + strOff
        + ", str_len="
        + strLen
        + ", layout_off="
        + layoutOff()
        + ", layout_len="
        + layoutLen()
        + (bigEndian ? ", big-endian" : "")
        + "]";
  }
}
