package io.xdpemu.nic.rss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Microsoft's "Verifying the RSS Hash Calculation" vectors. The table lists destination first; the
 * hash input is src addr, dst addr [, src port, dst port], network order.
 */
class ToeplitzTest {
  static final byte[] MS_KEY =
      hex("6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa");

  static byte[] hex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }

  static byte[] input(String dst, int dport, String src, int sport, boolean ports)
      throws Exception {
    byte[] d = InetAddress.getByName(dst).getAddress();
    byte[] s = InetAddress.getByName(src).getAddress();
    ByteBuffer b = ByteBuffer.allocate(s.length + d.length + (ports ? 4 : 0));
    b.put(s).put(d);
    if (ports) {
      b.putShort((short) sport).putShort((short) dport);
    }
    return b.array();
  }

  @ParameterizedTest(name = "{0}:{1} <- {2}:{3}")
  @CsvSource({
    "161.142.100.80, 1766, 66.9.149.187, 2794, 323e8fc2, 51ccc178",
    "65.69.140.83, 4739, 199.92.111.2, 14230, d718262a, c626b0ea",
    "12.22.207.184, 38024, 24.19.198.95, 12898, d2d0a5de, 5c2b394a",
    "209.142.163.6, 2217, 38.27.205.30, 48228, 82989176, afc7327f",
    "202.188.127.2, 1303, 153.39.163.191, 44251, 5d1809c5, 10e828a2",
    "3ffe:2501:200:3::1, 1766, 3ffe:2501:200:1fff::7, 2794, 2cc18cd5, 40207d3d",
    "ff02::1, 4739, 3ffe:501:8::260:97ff:fe40:efab, 14230, 0f0c461c, dde51bbf",
    "fe80::200:f8ff:fe21:67cf, 38024, 3ffe:1900:4545:3:200:f8ff:fe21:67cf, 44251, 4b61e985,"
        + " 02d1feef"
  })
  void microsoftVerificationVectorsPass(
      String dst, int dport, String src, int sport, String l3, String l4) throws Exception {
    Toeplitz t = new Toeplitz(MS_KEY);
    byte[] in3 = input(dst, dport, src, sport, false);
    byte[] in4 = input(dst, dport, src, sport, true);
    assertEquals(Integer.parseUnsignedInt(l3, 16), t.hash(in3, 0, in3.length));
    assertEquals(Integer.parseUnsignedInt(l4, 16), t.hash(in4, 0, in4.length));
    assertEquals(Integer.parseUnsignedInt(l4, 16), Toeplitz.reference(MS_KEY, in4));
  }

  @Test
  void tableAgreesWithBitSerialDefinitionOnRandomInputs() {
    Random r = new Random(7);
    for (int i = 0; i < 200; i++) {
      byte[] key = new byte[40];
      r.nextBytes(key);
      byte[] in = new byte[r.nextInt(37)];
      r.nextBytes(in);
      assertEquals(Toeplitz.reference(key, in), new Toeplitz(key).hash(in, 0, in.length));
    }
  }
}
