package io.xdpemu.ebpf.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.XdpemuException;
import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.ebpf.elf.BpfObjectReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CoreRobustnessTest {
  private static byte[] bytes(String name) {
    try (InputStream in = CoreRobustnessTest.class.getResourceAsStream("/elf/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** cilium/ebpf's TestCORERelocation idea: local == target must leave every slot as it is. */
  @Test
  void relocatingAgainstItsOwnBtfChangesNothing() {
    BpfObject o = BpfObjectReader.read("core_kinds.o", bytes("core_kinds.o"));
    Map<String, RelocatedProgram> all = CoreRelocator.relocate(o, new CoreTarget(o.types()));
    for (RelocatedProgram p : all.values()) {
      assertTrue(p.applied().size() > 0 || !p.spec().name().equals("kinds"));
      assertArrayEquals(p.spec().insns(), p.insns(), p.spec().name());
      assertTrue(p.poisoned().isEmpty());
    }
  }

  /** Corrupted objects: a loader or CO-RE error from our hierarchy, never a JVM exception. */
  @Test
  void corruptedCoreObjectsFailCleanly() {
    byte[] full = bytes("core_kinds.o");
    BpfObject good = BpfObjectReader.read("core_kinds.o", full);
    CoreTarget target = new CoreTarget(good.types());
    SplittableRandom rnd = new SplittableRandom(7);
    io.xdpemu.ebpf.elf.ElfFile elf = io.xdpemu.ebpf.elf.ElfFile.parse("core_kinds.o", full);
    long[][] ranges = new long[4][];
    String[] names = {".BTF.ext", ".BTF", "xdp"};
    for (int i = 0; i < names.length; i++) {
      io.xdpemu.ebpf.elf.ElfSection sec = elf.sectionByName(names[i]);
      ranges[i] = new long[] {sec.offset(), sec.size()};
    }
    ranges[3] = new long[] {0, full.length};
    int relocated = 0;
    for (int round = 0; round < 200; round++) {
      byte[] b = full.clone();
      // aim at .BTF.ext, .BTF and the code most of the time: they drive CO-RE
      long[] r = ranges[rnd.nextInt(ranges.length)];
      int at = (int) (r[0] + rnd.nextLong(r[1]));
      b[at] ^= (byte) (1 + rnd.nextInt(255));
      try {
        BpfObject o = BpfObjectReader.read("fuzz.o", b);
        if (o.types() != null) {
          CoreRelocator.relocate(o, target);
          CoreRelocator.relocate(o, new CoreTarget(o.types()));
          relocated++;
        }
      } catch (XdpemuException e) {
        assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
      } catch (RuntimeException | Error e) {
        throw new AssertionError("flip at " + at + ": " + e, e);
      }
    }
    assertTrue(relocated > 0);
  }
}
