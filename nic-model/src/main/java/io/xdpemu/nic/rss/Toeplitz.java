package io.xdpemu.nic.rss;

/**
 * The Toeplitz hash of Microsoft's RSS specification ("Verifying the RSS Hash Calculation"): for
 * every set bit of the input, XOR in the 32-bit window of the key that starts at that bit. The
 * per-key table holds, for each input byte position and byte value, the XOR of the windows of its
 * set bits, so hashing costs one lookup per input byte (what drivers' software fallbacks do).
 */
public final class Toeplitz {
  private final byte[] key;
  private final int[][] table;

  /** Supports inputs up to {@code key.length - 4} bytes. */
  public Toeplitz(byte[] key) {
    if (key.length < 5) {
      throw new IllegalArgumentException("RSS key shorter than 5 bytes");
    }
    this.key = key.clone();
    int positions = key.length - 4;
    table = new int[positions][256];
    for (int pos = 0; pos < positions; pos++) {
      int[] windows = new int[8];
      for (int bit = 0; bit < 8; bit++) {
        windows[bit] = window(pos * 8 + bit);
      }
      for (int v = 0; v < 256; v++) {
        int h = 0;
        for (int bit = 0; bit < 8; bit++) {
          if ((v & (0x80 >>> bit)) != 0) {
            h ^= windows[bit];
          }
        }
        table[pos][v] = h;
      }
    }
  }

  /** The 32 key bits starting at bit {@code b} (bit 0 = MSB of key[0]). */
  private int window(int b) {
    int w = 0;
    for (int i = 0; i < 32; i++) {
      int kb = b + i;
      int bit = (key[kb >>> 3] >>> (7 - (kb & 7))) & 1;
      w = w << 1 | bit;
    }
    return w;
  }

  /** The table as one array, input position * 256 + byte value (for the compiled firmware). */
  public int[] flatTable() {
    int[] flat = new int[table.length * 256];
    for (int pos = 0; pos < table.length; pos++) {
      System.arraycopy(table[pos], 0, flat, pos * 256, 256);
    }
    return flat;
  }

  public int maxInput() {
    return table.length;
  }

  /** Hash of {@code in[off, off+len)}; {@code len <= maxInput()}. */
  public int hash(byte[] in, int off, int len) {
    if (len > table.length) {
      throw new IllegalArgumentException("RSS input of " + len + " bytes exceeds the key");
    }
    int h = 0;
    for (int i = 0; i < len; i++) {
      h ^= table[i][in[off + i] & 0xff];
    }
    return h;
  }

  /** The bit-serial definition, kept as the reference the table is tested against. */
  public static int reference(byte[] key, byte[] in) {
    int result = 0;
    long window =
        (key[0] & 0xffL) << 24 | (key[1] & 0xffL) << 16 | (key[2] & 0xffL) << 8 | key[3] & 0xffL;
    int next = 4;
    for (byte b : in) {
      for (int bit = 7; bit >= 0; bit--) {
        if (((b >> bit) & 1) != 0) {
          result ^= (int) window;
        }
        window = (window << 1) & 0xffffffffL;
        int kb = next < key.length ? key[next] & 0xff : 0;
        window |= (kb >> bit) & 1;
      }
      next++;
    }
    return result;
  }
}
