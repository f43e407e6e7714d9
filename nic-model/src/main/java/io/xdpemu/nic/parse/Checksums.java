package io.xdpemu.nic.parse;

import io.xdpemu.nic.firmware.Protocol;

/**
 * RX checksum validation as NICs do it (CHECKSUM_UNNECESSARY in the kernel's terms): the outermost
 * IPv4 header checksum, and the outermost TCP/UDP checksum over the RFC 793/768/8200 pseudo-header
 * when the whole segment is in the frame and the datagram is not a fragment.
 */
public final class Checksums {
  private Checksums() {}

  static int status(
      byte[] p, int off, ParseResult r, Protocol[] protocolOf, boolean l3, boolean l4) {
    int st = 0;
    int ip = -1; // the IP header the L4 header belongs to: the last one before it
    boolean l3Done = false;
    boolean l4Checkable = true;
    for (int i = 0; i < r.count && r.level[i] == 0; i++) {
      Protocol proto = protocolOf[r.type[i]];
      if (proto == Protocol.IPV4 || proto == Protocol.IPV6) {
        ip = i;
        l4Checkable = true;
        if (l3 && !l3Done && proto == Protocol.IPV4) {
          st |= l3Verdict(p, off + r.offset[i], r.length[i]);
        }
        l3Done = true;
      } else if (proto == Protocol.IPV6_FRAG) {
        l4Checkable = false; // a fragment: the NIC cannot see the whole datagram
      } else if (proto == Protocol.IPV6_EXT
          && i > 0
          && introducedBy(p, off, r, i - 1, protocolOf) == 43
          && p[off + r.offset[i] + 3] != 0) {
        // A routing header with segments left: the pseudo-header's destination is the final
        // one (RFC 8200 8.1), not the IPv6 header's; leave the check to the stack.
        l4Checkable = false;
      } else if (l4 && ip >= 0 && (proto == Protocol.TCP || proto == Protocol.UDP)) {
        if (l4Checkable) {
          st |=
              l4VerdictAt(
                  p,
                  off + r.offset[ip],
                  r.length[ip],
                  off + r.offset[i],
                  r.length[i],
                  (protocolOf[r.type[ip]] == Protocol.IPV4 ? L4_OVER_IPV4 : 0)
                      | (proto == Protocol.TCP ? L4_TCP : 0),
                  off + r.packetLength);
        }
        break;
      }
    }
    return st;
  }

  /** The next-header value in header {@code i} (IPv6: byte 6; extension headers: byte 0). */
  private static int introducedBy(byte[] p, int off, ParseResult r, int i, Protocol[] protocolOf) {
    int o = off + r.offset[i];
    return (protocolOf[r.type[i]] == Protocol.IPV6 ? p[o + 6] : p[o]) & 0xff;
  }

  /**
   * The IPv4 header verdict: {@code CSUM_L3_CHECKED}, plus {@code CSUM_L3_GOOD} when the {@code
   * len}-byte header at {@code p[at]} verifies. The compiled firmware calls it with the offset it
   * noted when it pushed the first IP header at level 0.
   */
  public static int l3Verdict(byte[] p, int at, int len) {
    return ParseResult.CSUM_L3_CHECKED
        | (ipv4HeaderVerifies(p, at, len) ? ParseResult.CSUM_L3_GOOD : 0);
  }

  /** {@link #l4VerdictAt}'s {@code kind}: TCP (else UDP). */
  public static final int L4_TCP = 1;

  /** {@link #l4VerdictAt}'s {@code kind}: over IPv4 (else IPv6). */
  public static final int L4_OVER_IPV4 = 2;

  /**
   * The TCP/UDP verdict ({@code CSUM_L4_CHECKED | CSUM_L4_GOOD}, 0 when not checked) of the {@code
   * l4Len}-byte L4 header at {@code p[l4Off]} over the {@code ipLen}-byte IP header at {@code
   * p[ipOff]}, the frame ending before {@code p[end]}; {@code kind}: the {@link #L4_TCP} and {@link
   * #L4_OVER_IPV4} bits. The compiled firmware calls it with what it noted as it pushed the
   * headers: seven arguments, all but one in registers (with nine, relative offsets and two
   * booleans, the generated steer's call measured 0-4 % slower).
   */
  public static int l4VerdictAt(
      byte[] p, int ipOff, int ipLen, int l4Off, int l4Len, int kind, int end) {
    boolean tcp = (kind & L4_TCP) != 0;
    int segLen;
    long pseudo;
    if ((kind & L4_OVER_IPV4) != 0) {
      long head = (long) BE64.get(p, ipOff); // total length in bytes 2-3, flags and offset in 6-7
      if ((head & 0x3fff) != 0) {
        return 0; // fragment: the NIC cannot see the whole datagram
      }
      segLen = ((int) (head >>> 32) & 0xffff) - ipLen;
      pseudo = halves(p, ipOff + 12) + (tcp ? 6 : 17) + segLen; // sum(p, ipOff + 12, 8, 0)
    } else {
      int payload = u16(p, ipOff + 4);
      segLen = payload - (l4Off - ipOff - 40);
      pseudo = // sum(p, ipOff + 8, 32, 0): the two addresses
          halves(p, ipOff + 8)
              + halves(p, ipOff + 16)
              + halves(p, ipOff + 24)
              + halves(p, ipOff + 32)
              + (tcp ? 6 : 17)
              + segLen;
    }
    if (segLen < l4Len || l4Off + segLen > end) {
      return 0;
    }
    if (kind == L4_OVER_IPV4 && u16(p, l4Off + 6) == 0) {
      return 0; // UDP over IPv4 without checksum
    }
    int ok = verifies(p, l4Off, segLen, pseudo) ? ParseResult.CSUM_L4_GOOD : 0;
    return ParseResult.CSUM_L4_CHECKED | ok;
  }

  private static final java.lang.invoke.VarHandle BE64 =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.BIG_ENDIAN);

  private static final java.lang.invoke.VarHandle BE16 =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          short[].class, java.nio.ByteOrder.BIG_ENDIAN);

  /** {@link Bits#u16} as one load. */
  private static int u16(byte[] p, int at) {
    return (short) BE16.get(p, at) & 0xffff;
  }

  /** The big-endian 8 bytes at {@code p[at]} as two 32-bit words, added (see {@link #sum}). */
  private static long halves(byte[] p, int at) {
    long w = (long) BE64.get(p, at);
    return (w >>> 32) + (w & 0xffffffffL);
  }

  /**
   * The one's complement sum of {@code p[off, off+len)} as 16-bit big-endian words (a last odd byte
   * padded with zero), added to {@code acc}, unfolded. Eight bytes per step: 2^16 = 1 modulo
   * 0xffff, so summing 32-bit words folds to the same value as summing 16-bit words (and to 0 only
   * when every byte is 0, in both); {@link #sum16} is the definition, tested equal.
   */
  static long sum(byte[] p, int off, int len, long acc) {
    int i = 0;
    long a0 = 0;
    long a1 = 0;
    for (; i + 16 <= len; i += 16) { // two independent sums: the loads and adds overlap
      long w0 = (long) BE64.get(p, off + i);
      long w1 = (long) BE64.get(p, off + i + 8);
      a0 += (w0 >>> 32) + (w0 & 0xffffffffL);
      a1 += (w1 >>> 32) + (w1 & 0xffffffffL);
    }
    acc += a0 + a1;
    for (; i + 8 <= len; i += 8) {
      long w = (long) BE64.get(p, off + i);
      acc += (w >>> 32) + (w & 0xffffffffL);
    }
    return sum16(p, off + i, len - i, acc);
  }

  private static final java.lang.invoke.VarHandle LE64 =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final java.lang.invoke.VarHandle LE32 =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /**
   * Whether {@code p[off, off+len)} plus the big-endian sum {@code acc} (the pseudo-header) checks
   * out: {@code fold(sum(p, off, len, acc)) == 0xffff}, computed without byte swaps. Words are
   * summed as the machine loads them, little-endian, which is the byte-swapped domain of RFC 1071
   * (its section 2(B)): a swapped 16-bit word is 256 times the word modulo 0xffff, 256 is
   * invertible modulo 0xffff, so the swapped sum plus {@code 256 * acc} is 0 modulo 0xffff exactly
   * when the big-endian one is, and both are 0 only when every byte and {@code acc} are. A last odd
   * byte b is the word b << 8, swapped b. Tested equal to the definition ({@link #sum16}).
   */
  static boolean verifies(byte[] p, int off, int len, long acc) {
    return foldsToAllOnes(sumSwapped(p, off, len) + (acc << 8));
  }

  /**
   * {@code fold(s) == 0xffff} for {@code s >= 0} in two fold steps instead of four: the end-around
   * fold keeps the value modulo 0xffff and is 0 only for 0, so fold(s) is 0xffff exactly when s is
   * a nonzero multiple of 0xffff; after the 32-bit step and one 16-bit step the value is below 2^16
   * + 2^17, where the nonzero multiples are 0xffff, 2 * 0xffff and 3 * 0xffff.
   */
  static boolean foldsToAllOnes(long s) {
    s = (s & 0xffffffffL) + (s >>> 32);
    s = (s & 0xffff) + (s >>> 16);
    return s == 0xffff | s == 2 * 0xffff | s == 3 * 0xffff;
  }

  /**
   * {@link #verifies}{@code (p, off, len, 0)} for an IPv4 header: the usual 20 bytes (no options)
   * as two 8-byte loads and one 4-byte load, straight-line - {@link #sumSwapped}'s loop and masked
   * tail cost as much as an L4 segment's sum for these five words. The same five 32-bit words are
   * added, so the unfolded sum, and the verdict, are exactly {@link #verifies}'s.
   */
  static boolean ipv4HeaderVerifies(byte[] p, int off, int len) {
    if (len != 20) {
      return verifies(p, off, len, 0);
    }
    long w0 = (long) LE64.get(p, off);
    long w1 = (long) LE64.get(p, off + 8);
    long w2 = (int) LE32.get(p, off + 16) & 0xffffffffL;
    return foldsToAllOnes((w0 >>> 32) + (w0 & 0xffffffffL) + (w1 >>> 32) + (w1 & 0xffffffffL) + w2);
  }

  /**
   * The one's complement sum of {@code p[off, off+len)} as little-endian words, unfolded: 32-bit
   * words zero-extended into four independent long sums (a load and an add per 4 bytes, no shift or
   * mask; the four chains overlap), then the last {@code len % 16} bytes without a branch on their
   * count (frame lengths vary from frame to frame, so such branches mispredict): the 16 bytes that
   * end the range are loaded and the ones the loop already summed are masked off.
   */
  static long sumSwapped(byte[] p, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, p.length);
    if (len < 16) {
      return shortSumSwapped(p, off, len);
    }
    long a0 = 0;
    long a1 = 0;
    long a2 = 0;
    long a3 = 0;
    int end = off + (len & ~15);
    for (int j = off; j < end; j += 16) {
      a0 += (int) LE32.get(p, j) & 0xffffffffL;
      a1 += (int) LE32.get(p, j + 4) & 0xffffffffL;
      a2 += (int) LE32.get(p, j + 8) & 0xffffffffL;
      a3 += (int) LE32.get(p, j + 12) & 0xffffffffL;
    }
    int rem = len & 15;
    int last = off + len - 16; // the last 16 bytes: w0, then w1
    long w0 = (long) LE64.get(p, last) & TAIL_LOW[rem];
    long w1 = (long) LE64.get(p, last + 8) & TAIL_HIGH[rem];
    long tail = (w0 >>> 32) + (w0 & 0xffffffffL) + (w1 >>> 32) + (w1 & 0xffffffffL);
    // The block starts len - 16 bytes into the range: at an odd distance every byte sits in the
    // other half of its 16-bit word than in the range's own words, a factor 256 modulo 0xffff.
    tail <<= (len & 1) << 3;
    return (a0 + a1) + (a2 + a3) + tail;
  }

  /**
   * By {@code len % 16}, the masks of {@link #sumSwapped}'s last 16 bytes (first 8, last 8) that
   * keep the bytes the loop did not sum: two loads from a 16-entry table where computing them took
   * a chain of variable shifts on the path to the verdict.
   */
  private static final long[] TAIL_LOW = new long[16];

  private static final long[] TAIL_HIGH = new long[16];

  static {
    for (int rem = 0; rem < 16; rem++) {
      TAIL_LOW[rem] = highBytes(Math.max(0, rem - 8));
      TAIL_HIGH[rem] = highBytes(Math.min(8, rem));
    }
  }

  /**
   * The mask of the {@code k} (0..8) most significant bytes of a long: in a little-endian load, the
   * last {@code k} bytes.
   */
  private static long highBytes(int k) {
    return -(1L << (64 - 8 * k)) & -(long) ((k + 7) >>> 3); // k = 0: 1L << 64 is 1, hence the 0
  }

  /** {@link #sumSwapped} of fewer than 16 bytes. */
  private static long shortSumSwapped(byte[] p, int off, int len) {
    long acc = 0;
    int i = 0;
    if (i + 8 <= len) {
      long w = (long) LE64.get(p, off + i);
      acc += (w >>> 32) + (w & 0xffffffffL);
      i += 8;
    }
    if (i + 4 <= len) {
      acc += (int) LE32.get(p, off + i) & 0xffffffffL;
      i += 4;
    }
    if (i + 2 <= len) {
      acc += (p[off + i] & 0xff) | (p[off + i + 1] & 0xff) << 8;
      i += 2;
    }
    if (i < len) {
      acc += p[off + i] & 0xff;
    }
    return acc;
  }

  /** The RFC 1071 definition: 16-bit words, the last odd byte padded with zero. */
  static long sum16(byte[] p, int off, int len, long acc) {
    int i = 0;
    for (; i + 1 < len; i += 2) {
      acc += (p[off + i] & 0xff) << 8 | (p[off + i + 1] & 0xff);
    }
    if (i < len) {
      acc += (p[off + i] & 0xff) << 8;
    }
    return acc;
  }

  /**
   * The end-around-carry fold to 16 bits, in a fixed number of steps (a loop's trip count would
   * depend on the sum, a branch that mispredicts): after the 32-bit step s < 2^33, then < 2^18,
   * then at most 0xffff + 3, then < 2^16 - and a step on a value under 2^16 changes nothing, so
   * this is exactly the loop "while (s >>> 16 != 0) s = (s & 0xffff) + (s >>> 16)".
   */
  static int fold(long s) {
    s = (s & 0xffffffffL) + (s >>> 32); // a 32-bit word is two 16-bit ones modulo 0xffff
    s = (s & 0xffff) + (s >>> 16);
    s = (s & 0xffff) + (s >>> 16);
    s = (s & 0xffff) + (s >>> 16);
    return (int) s;
  }
}
