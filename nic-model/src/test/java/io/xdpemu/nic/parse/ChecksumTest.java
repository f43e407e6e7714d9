package io.xdpemu.nic.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.nic.FirmwareEquivalence;
import io.xdpemu.nic.Frames;
import io.xdpemu.nic.TestFiles;
import io.xdpemu.nic.firmware.Firmware;
import org.junit.jupiter.api.Test;

/** RX checksum validation: IPv4 header, TCP/UDP over IPv4 and IPv6, and when it is not done. */
class ChecksumTest {
  private static final Firmware FW = TestFiles.firmware("mynic-v1.json");
  private static final PacketParser PARSER = new PacketParser(FW);
  private static final Classifier CLASSIFIER = new Classifier(FW);
  private static final int ALL_GOOD =
      ParseResult.CSUM_L3_CHECKED
          | ParseResult.CSUM_L3_GOOD
          | ParseResult.CSUM_L4_CHECKED
          | ParseResult.CSUM_L4_GOOD;

  private static final FirmwareEquivalence ENGINES = new FirmwareEquivalence(FW);

  /**
   * The reference's verdicts; the compiled firmware (which notes what the verdicts need as it
   * pushes headers) must give the same on every frame of these tests.
   */
  private static int status(byte[] p) {
    ParseResult r = PARSER.newResult();
    PARSER.parse(p, 0, p.length, r);
    CLASSIFIER.classify(p, 0, r, new byte[64]);
    assertNull(ENGINES.check(p, 0, p.length));
    return r.checksumStatus;
  }

  /** Fills the L4 checksum at {@code l4 + at} over the pseudo-header {@code pseudo}. */
  private static byte[] withL4Checksum(byte[] p, int l4, int at, long pseudo) {
    long s = Checksums.sum(p, l4, p.length - l4, pseudo);
    int c = ~Checksums.fold(s) & 0xffff;
    p[l4 + at] = (byte) (c >>> 8);
    p[l4 + at + 1] = (byte) c;
    return p;
  }

  private static long v4Pseudo(byte[] p, int proto) {
    return Checksums.sum(p, 14 + 12, 8, 0) + proto + (p.length - 34);
  }

  @Test
  void validatesIpv4AndTcpChecksums() {
    byte[] p = Frames.eth(0x0800).ipv4(6, 0x0a000001, 0x0a000002, 24, 0).tcp(1, 2).zeros(4).bytes();
    withL4Checksum(p, 34, 16, v4Pseudo(p, 6));
    assertEquals(ALL_GOOD, status(p));
    p[p.length - 1] ^= 1;
    assertEquals(ALL_GOOD & ~ParseResult.CSUM_L4_GOOD, status(p));
    p[14 + 8] ^= 1; // ttl: breaks the IPv4 header checksum
    assertEquals(ParseResult.CSUM_L3_CHECKED | ParseResult.CSUM_L4_CHECKED, status(p));
  }

  @Test
  void udpWithoutChecksumOverIpv4IsNotChecked() {
    byte[] p = Frames.eth(0x0800).ipv4(17, 1, 2, 12, 0).udp(1, 2, 4).zeros(4).bytes();
    assertEquals(ParseResult.CSUM_L3_CHECKED | ParseResult.CSUM_L3_GOOD, status(p));
  }

  @Test
  void validatesUdpOverIpv6AndSkipsRoutingHeadersWithSegmentsLeft() {
    String src = "20010db8000000000000000000000001";
    String dst = "20010db8000000000000000000000002";
    byte[] p =
        Frames.eth(0x86dd)
            .hex("60000000 000c 11 40")
            .hex(src)
            .hex(dst)
            .udp(1000, 53, 4)
            .hex("01020304")
            .bytes();
    long pseudo = Checksums.sum(p, 22, 32, 0) + 17 + 12;
    withL4Checksum(p, 54, 6, pseudo);
    assertEquals(ParseResult.CSUM_L4_CHECKED | ParseResult.CSUM_L4_GOOD, status(p));
    byte[] routed =
        Frames.eth(0x86dd)
            .hex("60000000 0024 2b 40")
            .hex(src)
            .hex(dst)
            .hex("1102 0001 00000000")
            .hex("20010db8000000000000000000000003") // segments left 1
            .udp(1000, 53, 4)
            .hex("01020304")
            .bytes();
    assertEquals(0, status(routed));
    byte[] arrived = routed.clone();
    arrived[54 + 3] = 0; // segments left 0: the IPv6 destination is the final one
    assertEquals(ParseResult.CSUM_L4_CHECKED, status(arrived));
    byte[] options = routed.clone();
    options[14 + 6] = 0; // the same bytes as hop-by-hop options: byte 3 is not segments left
    assertEquals(ParseResult.CSUM_L4_CHECKED, status(options));
  }

  @Test
  void fragmentsAreNotChecked() {
    byte[] p =
        Frames.eth(0x86dd)
            .hex("60000000 0014 2c 40")
            .zeros(32)
            .hex("1100 0001 00000001")
            .udp(1, 2, 4)
            .zeros(4)
            .bytes(); // offset 0, M=1
    assertEquals(0, status(p));
  }

  @Test
  void wordSumFoldsToTheSixteenBitDefinition() {
    java.util.Random rnd = new java.util.Random(1071);
    for (int k = 0; k < 20000; k++) {
      byte[] b = randomBytes(rnd, 1600);
      int off = b.length == 0 ? 0 : rnd.nextInt(b.length);
      int len = b.length - off;
      long seed = rnd.nextInt(1 << 20);
      assertEquals(
          Checksums.fold(Checksums.sum16(b, off, len, seed)),
          Checksums.fold(Checksums.sum(b, off, len, seed)),
          "len " + len);
    }
  }

  @Test
  void swappedSumVerifiesExactlyWhenTheDefinitionDoes() {
    java.util.Random rnd = new java.util.Random(8200);
    int good = 0;
    for (int k = 0; k < 40000; k++) {
      byte[] b = randomBytes(rnd, 200);
      int off = b.length == 0 ? 0 : rnd.nextInt(b.length);
      int len = b.length - off;
      long acc =
          switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> 0xffff;
            default -> rnd.nextInt(1 << 21);
          };
      if (len >= 2 && rnd.nextBoolean()) { // make the sum check out, as a valid packet does
        b[off] = 0;
        b[off + 1] = 0;
        int c = ~Checksums.fold(Checksums.sum16(b, off, len, acc)) & 0xffff;
        b[off] = (byte) (c >>> 8);
        b[off + 1] = (byte) c;
      }
      boolean expected = Checksums.fold(Checksums.sum16(b, off, len, acc)) == 0xffff;
      good += expected ? 1 : 0;
      assertEquals(expected, Checksums.verifies(b, off, len, acc), "len " + len + " acc " + acc);
    }
    assertTrue(good > 10000, "the good case was exercised: " + good);
  }

  /** The straight-line 20-byte IPv4 header check gives {@link Checksums#verifies}' verdict. */
  @Test
  void ipv4HeaderCheckIsTheGeneralVerdict() {
    java.util.Random rnd = new java.util.Random(791);
    int good = 0;
    for (int k = 0; k < 40000; k++) {
      int len = k % 4 == 0 ? 20 + 4 * rnd.nextInt(11) : 20; // options too: the general path
      byte[] b = new byte[len + rnd.nextInt(40)];
      if (k % 16 == 1) {
        java.util.Arrays.fill(b, (byte) (rnd.nextBoolean() ? 0 : 0xff)); // all-zero/all-ones edges
      } else {
        rnd.nextBytes(b);
      }
      int off = rnd.nextInt(b.length - len + 1);
      if (rnd.nextBoolean()) { // a valid header checksum, as most frames carry
        b[off + 10] = 0;
        b[off + 11] = 0;
        int c = ~Checksums.fold(Checksums.sum16(b, off, len, 0)) & 0xffff;
        b[off + 10] = (byte) (c >>> 8);
        b[off + 11] = (byte) c;
      }
      boolean expected = Checksums.verifies(b, off, len, 0);
      good += expected ? 1 : 0;
      assertEquals(expected, Checksums.ipv4HeaderVerifies(b, off, len), "len " + len);
    }
    assertTrue(good > 10000, "the good case was exercised: " + good);
  }

  /**
   * The little-endian sum is the byte-swapped big-endian one (RFC 1071 2(B)), for every length
   * 0..600 at every alignment, including the masked tail of the last 16 bytes.
   */
  @Test
  void swappedSumIsTheByteSwappedDefinitionAtEveryLength() {
    java.util.Random rnd = new java.util.Random(1624);
    byte[] b = new byte[700];
    for (int len = 0; len <= 600; len++) {
      for (int k = 0; k < 8; k++) {
        if (k == 0) {
          java.util.Arrays.fill(b, (byte) 0xff);
        } else if (k == 1) {
          java.util.Arrays.fill(b, (byte) 0);
        } else {
          rnd.nextBytes(b);
        }
        int off = rnd.nextInt(b.length - len + 1);
        int be = Checksums.fold(Checksums.sum16(b, off, len, 0));
        int swapped = (be & 0xff) << 8 | be >>> 8;
        assertEquals(swapped, Checksums.fold(Checksums.sumSwapped(b, off, len)), "len " + len);
      }
    }
  }

  /**
   * The two-step verdict is the four-step fold's: around every multiple of 0xffff the sums can
   * reach (up to 2^40: a 64 KiB frame's 32-bit words), at the fold's step boundaries, and random.
   */
  @Test
  void twoStepVerdictIsTheFold() {
    java.util.Random rnd = new java.util.Random(2026);
    java.util.List<Long> values = new java.util.ArrayList<>();
    for (long m = 0; m <= 1L << 40; m = m < 1 << 20 ? m + 1 : m * 3 + 7) {
      for (long d = -2; d <= 2; d++) {
        values.add(m * 0xffff + d);
      }
    }
    for (int shift = 0; shift <= 62; shift++) {
      for (long d = -2; d <= 2; d++) {
        values.add((1L << shift) + d);
      }
    }
    for (int k = 0; k < 200_000; k++) {
      values.add(rnd.nextLong() >>> (1 + rnd.nextInt(40)));
    }
    int allOnes = 0;
    for (long s : values) {
      if (s < 0) {
        continue;
      }
      boolean expected = Checksums.fold(s) == 0xffff;
      allOnes += expected ? 1 : 0;
      assertEquals(expected, Checksums.foldsToAllOnes(s), "s " + s);
    }
    assertTrue(allOnes > 1000, "the all-ones case was exercised: " + allOnes);
  }

  /** Up to {@code bound - 1} random bytes; one buffer in four all zeros or all ones (the edges). */
  private static byte[] randomBytes(java.util.Random rnd, int bound) {
    byte[] b = new byte[rnd.nextInt(bound)];
    if (rnd.nextInt(4) == 0) {
      java.util.Arrays.fill(b, (byte) (rnd.nextBoolean() ? 0 : 0xff));
    } else {
      rnd.nextBytes(b);
    }
    return b;
  }
}
