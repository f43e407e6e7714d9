package io.xdpemu.nic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.XdpBuff;
import io.xdpemu.nic.firmware.Firmware;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A frame handed to the NIC inside a larger array (the replay steers and receives records straight
 * from a capture held in memory, at the record's offset) is steered, described and delivered
 * exactly as the same frame alone at offset 0, whatever bytes lie around it.
 */
class FrameOffsetTest {
  /** The Ethernet records of a classic little-endian pcap (the repository's sample captures). */
  private static List<byte[]> frames(String pcap) throws IOException {
    ByteBuffer b =
        ByteBuffer.wrap(Files.readAllBytes(TestFiles.root().resolve("pcaps").resolve(pcap)))
            .order(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> out = new ArrayList<>();
    for (int pos = 24; pos + 16 <= b.limit(); ) {
      int incl = b.getInt(pos + 8);
      out.add(Arrays.copyOfRange(b.array(), pos + 16, pos + 16 + incl));
      pos += 16 + incl;
    }
    return out;
  }

  /** Every output of the parse the descriptor and the metadata are written from. */
  private static String summary(io.xdpemu.nic.parse.ParseResult r) {
    return String.join(
        " ",
        "count=" + r.count,
        Arrays.toString(Arrays.copyOf(r.type, r.count)),
        Arrays.toString(Arrays.copyOf(r.offset, r.count)),
        Arrays.toString(Arrays.copyOf(r.length, r.count)),
        Arrays.toString(Arrays.copyOf(r.level, r.count)),
        "status=" + r.status + "@" + r.errorOffset,
        "len=" + r.packetLength,
        "ptype=" + r.ptype + "/" + r.ptypeRule,
        "rss=" + r.rssHash + "/" + r.rssHashType + "/" + r.rssClass,
        "vlan=" + r.vlanTci + "/" + r.vlanProto + "/" + r.vlanOffset,
        "l="
            + r.l2Offset
            + ","
            + r.l3Offset
            + ","
            + r.l4Offset
            + ","
            + r.innerL3Offset
            + ","
            + r.innerL4Offset
            + ","
            + r.payloadOffset
            + ","
            + r.l4Ports,
        "csum=" + r.checksumStatus,
        "mark=" + r.flowMark);
  }

  private static void check(Firmware fw) throws IOException {
    NicConfig config = NicConfig.defaults();
    try (Nic alone = Nic.create(fw, config);
        Nic inside = Nic.create(fw, config)) {
      ExecutionContext a = RxPathTest.context();
      ExecutionContext b = RxPathTest.context();
      RxParse pa = new RxParse();
      RxParse pb = new RxParse();
      int n = 0;
      for (String pcap : new String[] {"mixed-1k.pcap", "tunnels-200.pcap", "ipv4-udp-256.pcap"}) {
        for (byte[] f : frames(pcap)) {
          int off = 1 + (n * 37) % 61;
          byte[] big = new byte[off + f.length + 23];
          Arrays.fill(big, (byte) (0x5a ^ n)); // junk around the frame that no parse may read
          System.arraycopy(f, 0, big, off, f.length);
          int qa = alone.steer(f, 0, f.length, pa);
          int qb = inside.steer(big, off, f.length, pb);
          String what = fw.name() + " " + pcap + " frame " + n;
          assertEquals(qa, qb, what);
          boolean ra = alone.queue(qa).receive(f, 0, f.length, n, pa, a);
          boolean rb = inside.queue(qb).receive(big, off, f.length, n, pb, b);
          assertEquals(ra, rb, what);
          if (ra) {
            XdpBuff x = a.xdp();
            XdpBuff y = b.xdp();
            assertArrayEquals(
                Arrays.copyOfRange(x.frame, x.meta, x.end),
                Arrays.copyOfRange(y.frame, y.meta, y.end),
                what);
            assertEquals(summary(pa.result()), summary(pb.result()), what);
          }
          n++;
        }
      }
      assertTrue(n > 1000, "frames checked: " + n);
    }
  }

  @Test
  void plainSteersAFrameAtAnOffsetAsAlone() throws IOException {
    check(PlainFirmware.get());
  }

  @Test
  void everyShippedFirmwareSteersAFrameAtAnOffsetAsAlone() throws IOException {
    for (String name : new String[] {"mynic-v1.json", "mynic-v2.json", "mynic-kernel.json"}) {
      check(TestFiles.firmware(name));
    }
  }
}
