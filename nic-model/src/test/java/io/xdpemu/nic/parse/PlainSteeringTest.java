package io.xdpemu.nic.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.nic.Nic;
import io.xdpemu.nic.NicConfig;
import io.xdpemu.nic.TestFiles;
import io.xdpemu.nic.rss.Toeplitz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The bundled plain firmware steers every frame where the kernel's default RSS would (ethtool's
 * sdfn fields: Toeplitz over the IPv4/IPv6 addresses, plus the TCP/UDP ports unless the datagram is
 * an IPv4 fragment; any number of 802.1Q/802.1ad tags; indirection entry i = i mod queues), written
 * out here directly as the reference, over every frame of pcaps/ and ../shared/pcaps/tcpdump and
 * their bit-flipped mutations. This is the steering the runtime's own plain NIC did before it
 * became a firmware; frames whose IPv4 header length is below 20 or runs past the frame count as no
 * IPv4 (the kernel's flow dissector refuses them too).
 */
class PlainSteeringTest {
  static final byte[] MS_KEY =
      HexFormat.of()
          .parseHex(
              "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa");

  /** The reference: the hash input of the kernel's default fields, 0 bytes when none. */
  static int tuple(byte[] f, byte[] tuple) {
    int len = f.length;
    int off = 12;
    if (len < off + 2) {
      return 0;
    }
    int type = (f[off] & 0xff) << 8 | f[off + 1] & 0xff;
    off += 2;
    while ((type == 0x8100 || type == 0x88a8) && len >= off + 4) {
      type = (f[off + 2] & 0xff) << 8 | f[off + 3] & 0xff;
      off += 4;
    }
    int n;
    int proto;
    int l4;
    if (type == 0x0800 && len >= off + 20) {
      int ihl = (f[off] & 0xf) * 4;
      if (ihl < 20 || len < off + ihl) {
        return 0;
      }
      System.arraycopy(f, off + 12, tuple, 0, 8);
      n = 8;
      proto = f[off + 9] & 0xff;
      boolean fragment = ((f[off + 6] & 0x3f) << 8 | f[off + 7] & 0xff) != 0;
      l4 = fragment ? -1 : off + ihl;
    } else if (type == 0x86dd && len >= off + 40) {
      System.arraycopy(f, off + 8, tuple, 0, 32);
      n = 32;
      proto = f[off + 6] & 0xff;
      l4 = off + 40;
    } else {
      return 0;
    }
    if ((proto == 6 || proto == 17) && l4 > 0 && len >= l4 + 4) {
      System.arraycopy(f, l4, tuple, n, 4);
      n += 4;
    }
    return n;
  }

  static int referenceQueue(byte[] f, int queues, Toeplitz t, byte[] scratch) {
    int n = tuple(f, scratch);
    int hash = n == 0 ? 0 : t.hash(scratch, 0, n);
    return (hash & 127) % queues;
  }

  @Test
  void everyFrameGoesToTheQueueOfTheKernelsDefaultHash() throws IOException {
    List<byte[]> frames = frames();
    Toeplitz t = new Toeplitz(MS_KEY);
    byte[] scratch = new byte[64];
    for (int queues : new int[] {1, 2, 3, 4, 7}) {
      try (Nic nic = Nic.plain(NicConfig.defaults().withQueues(queues))) {
        for (int i = 0; i < frames.size(); i++) {
          byte[] f = frames.get(i);
          assertEquals(
              referenceQueue(f, queues, t, scratch),
              nic.steer(f, 0, f.length),
              "frame " + i + " (" + HexFormat.of().formatHex(f, 0, Math.min(f.length, 64)) + ")");
        }
      }
    }
  }

  /**
   * An indirection table whose size is not a power of two (the NIC then takes the unsigned hash
   * modulo the size, where a power of two is one mask and one lookup): the plain firmware with 6
   * entries over 5 queues, folded onto the NIC's queues.
   */
  @Test
  void anIndirectionTableOfSixEntriesTakesTheHashModuloSix() throws IOException {
    String json;
    try (var in = io.xdpemu.nic.PlainFirmware.class.getResourceAsStream("plain.json")) {
      json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    String six =
        json.replace("\"queues\": 128", "\"queues\": 5")
            .replace("\"indirection_size\": 128", "\"indirection_size\": 6");
    assertTrue(six.contains("\"indirection_size\": 6"), "plain.json changed its RSS lines");
    io.xdpemu.nic.firmware.Firmware fw =
        io.xdpemu.nic.firmware.FirmwareLoader.parse(six, "plain-6.json");
    List<byte[]> frames = frames();
    Toeplitz t = new Toeplitz(MS_KEY);
    byte[] scratch = new byte[64];
    for (int queues : new int[] {1, 3, 5}) {
      try (Nic nic = Nic.create(fw, NicConfig.defaults().withQueues(queues))) {
        for (int i = 0; i < frames.size(); i++) {
          byte[] f = frames.get(i);
          int n = tuple(f, scratch);
          long hash = n == 0 ? 0 : Integer.toUnsignedLong(t.hash(scratch, 0, n));
          int entry = (int) (hash % 6) % 5; // ethtool's default table: entry i is queue i mod 5
          assertEquals(entry % queues, nic.steer(f, 0, f.length), "frame " + i);
        }
      }
    }
  }

  private static List<byte[]> frames() throws IOException {
    List<byte[]> frames = new ArrayList<>();
    for (Path dir :
        List.of(TestFiles.shared().resolve("pcaps/tcpdump"), TestFiles.root().resolve("pcaps"))) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.sorted().toList()) {
          if (!p.toString().endsWith(".pcap") && !p.toString().endsWith(".pcapng")) {
            continue;
          }
          try {
            for (TestPcap.Frame fr : TestPcap.read(p)) {
              if (fr.linktype() == 1) {
                frames.add(fr.data());
              }
            }
          } catch (IOException | RuntimeException e) {
            // a capture this small test reader does not handle: the others suffice
          }
        }
      }
    }
    frames.addAll(SyntheticFrames.all());
    assertTrue(frames.size() > 1000, "only " + frames.size() + " frames found");
    Random rnd = new Random(12);
    int real = frames.size();
    for (int i = 0; i < real; i++) {
      byte[] m = frames.get(i).clone();
      for (int k = 0; k < 3 && m.length > 0; k++) {
        int bit = rnd.nextInt(Math.min(m.length, 80) * 8);
        m[bit / 8] ^= (byte) (1 << (bit % 8));
      }
      frames.add(m);
    }
    return frames;
  }
}
