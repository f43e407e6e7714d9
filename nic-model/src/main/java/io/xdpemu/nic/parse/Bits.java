package io.xdpemu.nic.parse;

/** Big-endian bit-field extraction from packet bytes (bit 0 = MSB of the first byte). */
public final class Bits {
  private Bits() {}

  /**
   * {@code width} (1..64) bits starting {@code bitOffset} bits after {@code p[base]}. The caller
   * guarantees the bytes exist.
   */
  public static long get(byte[] p, int base, int bitOffset, int width) {
    int first = base + (bitOffset >>> 3);
    int shift = bitOffset & 7;
    int totalBits = shift + width;
    int nbytes = (totalBits + 7) >>> 3;
    if (nbytes <= 8) {
      long acc = 0;
      for (int i = 0; i < nbytes; i++) {
        acc = acc << 8 | (p[first + i] & 0xff);
      }
      acc >>>= nbytes * 8 - totalBits;
      return width == 64 ? acc : acc & ((1L << width) - 1);
    }
    // 64 bits not byte-aligned span 9 bytes.
    long hi = 0;
    for (int i = 0; i < 8; i++) {
      hi = hi << 8 | (p[first + i] & 0xff);
    }
    int extra = totalBits - 64;
    return hi << extra | (p[first + 8] & 0xff) >>> (8 - extra);
  }

  public static int u16(byte[] p, int off) {
    return (p[off] & 0xff) << 8 | (p[off + 1] & 0xff);
  }
}
