package io.xdpemu.nic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.nic.parse.ParseResult;
import io.xdpemu.nic.parse.TestPcap;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packed form a steered frame crosses threads in ({@link RxParse#pack}/{@link RxParse#unpack})
 * carries everything: every field of the parse result (found by reflection, so a field added later
 * and not packed fails here), the queue and the VLAN strip; and a queue that receives the unpacked
 * frame writes the same metadata, descriptor and xdp_buff as one that receives the original.
 */
class PackedParseTest {
  private static List<byte[]> frames() throws Exception {
    List<byte[]> out = new ArrayList<>();
    for (String f : List.of("mixed-1k.pcap", "tunnels-200.pcap")) {
      for (TestPcap.Frame fr : TestPcap.read(TestFiles.root().resolve("pcaps").resolve(f))) {
        out.add(fr.data());
      }
    }
    return out;
  }

  private static Nic nic(String firmware) {
    return firmware.equals("plain")
        ? Nic.plain(NicConfig.defaults())
        : Nic.create(TestFiles.firmware(firmware), NicConfig.defaults());
  }

  @ParameterizedTest
  @ValueSource(strings = {"plain", "mynic-v1.json", "mynic-v2.json"})
  void everyFieldMakesTheRoundTripAndTheQueueWritesTheSameBytes(String firmware) throws Exception {
    try (Nic a = nic(firmware);
        Nic b = nic(firmware)) {
      RxParse steered = new RxParse();
      RxParse unpacked = new RxParse();
      int[] packed = new int[RxParse.packedInts(a) + 3];
      ExecutionContext ca = RxPathTest.context();
      ExecutionContext cb = RxPathTest.context();
      int n = 0;
      for (byte[] f : frames()) {
        Arrays.fill(packed, 0x5a5a5a5a);
        int q = a.steer(f, 0, f.length, steered);
        int ints = steered.pack(packed, 3);
        assertTrue(ints <= RxParse.packedInts(a));
        assertEquals(0x5a5a5a5a, packed[3 + ints], "wrote past the length it returned");
        unpacked.unpack(packed, 3, a);
        assertTrue(unpacked.steered);
        assertEquals(q, unpacked.queue());
        assertEquals(steered.stripOffset, unpacked.stripOffset);
        assertSameFields(steered.result(), unpacked.result(), "frame " + n);

        // Queue q of NIC a gets the original, queue q of an identical NIC b the unpacked copy.
        assertEquals(
            a.queue(q).receive(f, 0, f.length, 7, steered, ca),
            b.queue(q).receive(f, 0, f.length, 7, unpacked, cb));
        assertArrayEquals(
            Arrays.copyOfRange(ca.xdp().frame, ca.xdp().meta, ca.xdp().end),
            Arrays.copyOfRange(cb.xdp().frame, cb.xdp().meta, cb.xdp().end),
            "frame " + n);
        n++;
      }
      assertTrue(n > 1000);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mynic-v2.json"})
  void aFramePackedBeforeASwapIsNotSteeredForTheNewFirmware(String firmware) {
    try (Nic nic = nic(firmware)) {
      RxParse p = new RxParse();
      byte[] tcp = RxPathTest.TCP;
      nic.steer(tcp, 0, tcp.length, p);
      int[] packed = new int[RxParse.packedInts(nic)];
      p.pack(packed, 0);
      nic.load(TestFiles.firmware("mynic-v1.json"), FirmwareValidator.ACCEPT_ALL);
      RxParse q = new RxParse();
      q.unpack(packed, 0, nic);
      assertFalse(q.steered);
    }
  }

  /** Every instance field of ParseResult equal (arrays over the header stack's count). */
  static void assertSameFields(ParseResult want, ParseResult got, String where)
      throws IllegalAccessException {
    int fields = 0;
    for (Field fd : ParseResult.class.getDeclaredFields()) {
      if (Modifier.isStatic(fd.getModifiers())) {
        continue;
      }
      fd.setAccessible(true);
      Object w = fd.get(want);
      Object g = fd.get(got);
      if (w instanceof int[] wa) {
        assertArrayEquals(
            Arrays.copyOf(wa, want.count),
            Arrays.copyOf((int[]) g, want.count),
            where + ": " + fd.getName());
      } else {
        assertEquals(w, g, where + ": " + fd.getName());
      }
      fields++;
    }
    assertTrue(fields >= 25, "ParseResult has " + fields + " fields");
  }
}
