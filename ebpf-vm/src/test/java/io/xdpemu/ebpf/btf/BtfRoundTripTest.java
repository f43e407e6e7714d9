package io.xdpemu.ebpf.btf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class BtfRoundTripTest {
  @Test
  void hostVmlinuxRoundTripsByteForByte() throws Exception {
    byte[] data = Files.readAllBytes(HostTools.vmlinux());
    Btf btf = Btf.parse(data);
    assertTrue(btf.typeCount() > 1000);
    assertArrayEquals(data, btf.toBytes());
  }

  @Test
  void readsHostVmlinuxQuickly() throws Exception {
    byte[] data = Files.readAllBytes(HostTools.vmlinux());
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 8; i++) {
      long t0 = System.nanoTime();
      Btf.parse(data);
      best = Math.min(best, System.nanoTime() - t0);
    }
    System.out.printf("vmlinux BTF parse (warm, best of 8): %.1f ms%n", best / 1e6);
    assertTrue(best < 1_000_000_000L, "parse took " + best / 1e6 + " ms");
  }

  @Test
  void decodesXdpMdMembersOfHostVmlinux() throws Exception {
    Btf btf = Btf.read(HostTools.vmlinux());
    BtfType t = btf.findType("xdp_md", BtfKind.STRUCT);
    assertNotNull(t);
    BtfType.Struct s = (BtfType.Struct) t;
    assertEquals(24, s.size());
    assertEquals("data", s.members().get(0).name());
    Btf.MemberPath meta = btf.findMember(s.id(), "data_meta");
    assertEquals(8, meta.byteOffset());
    assertEquals(24, btf.sizeOf(s.id()));
    assertEquals(4, btf.alignOf(s.id()));
    assertEquals(8, btf.pointerSize());
  }
}
