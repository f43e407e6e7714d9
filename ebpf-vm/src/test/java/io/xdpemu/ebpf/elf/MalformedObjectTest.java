package io.xdpemu.ebpf.elf;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.xdpemu.ebpf.MalformedInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Damaged objects must give a MalformedInputException naming the file, never anything else. */
class MalformedObjectTest {
  private static final String[] FIXTURES = {
    "programs.o",
    "btf_maps.o",
    "legacy_maps.o",
    "iproute2_maps.o",
    "kfunc.o",
    "samples7_maps.o",
    "callbacks.o",
    "core_kinds.o"
  };

  private static void readOrMalformed(String name, byte[] bytes, String what) {
    try {
      BpfObjectReader.read(name, bytes);
    } catch (MalformedInputException e) {
      if (!e.getMessage().startsWith("malformed ") || !e.getMessage().contains(name)) {
        fail(what + ": message does not name the file: " + e.getMessage());
      }
    } catch (RuntimeException | Error e) {
      throw new AssertionError(what + ": " + e, e);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"programs.o", "btf_maps.o", "legacy_maps.o", "kfunc.o"})
  void everyTruncationIsReportedAsMalformed(String name) {
    byte[] full = Fixtures.bytes(name);
    for (int len = 0; len < full.length; len += (len < 256 ? 1 : 7)) {
      readOrMalformed(name, Arrays.copyOf(full, len), "truncated to " + len);
    }
  }

  @Test
  void flippedBytesNeverEscapeAsJvmExceptions() {
    SplittableRandom rnd = new SplittableRandom(20261125);
    for (String name : FIXTURES) {
      byte[] full = Fixtures.bytes(name);
      for (int round = 0; round < 250; round++) {
        byte[] b = full.clone();
        int flips = 1 + rnd.nextInt(4);
        StringBuilder what = new StringBuilder(name + " flipped at");
        for (int k = 0; k < flips; k++) {
          int at = rnd.nextInt(b.length);
          b[at] ^= (byte) (1 + rnd.nextInt(255));
          what.append(' ').append(at);
        }
        readOrMalformed(name, b, what.toString());
      }
    }
  }

  @Test
  void garbageIsNotAnElfFile() {
    byte[] junk = new byte[200];
    new SplittableRandom(1).nextBytes(junk);
    MalformedInputException e =
        assertThrows(MalformedInputException.class, () -> BpfObjectReader.read("junk.o", junk));
    assertTrue(e.getMessage().contains("junk.o: offset 0: bad magic"), e.getMessage());
  }

  @Test
  void refusesBigEndianAnd32BitObjectsClearly() {
    byte[] be = Fixtures.bytes("programs.o");
    be[5] = 2;
    MalformedInputException e =
        assertThrows(MalformedInputException.class, () -> BpfObjectReader.read("be.o", be));
    assertTrue(e.getMessage().contains("big-endian"), e.getMessage());
    byte[] c32 = Fixtures.bytes("programs.o");
    c32[4] = 1;
    e = assertThrows(MalformedInputException.class, () -> BpfObjectReader.read("c32.o", c32));
    assertTrue(e.getMessage().contains("not ELF64"), e.getMessage());
  }

  @Test
  void namesTheSectionOfABadRelocation() {
    byte[] b = Fixtures.bytes("programs.o");
    ElfFile elf = ElfFile.parse("x.o", b);
    ElfSection rel = elf.sectionByName(".relxdp");
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong((int) rel.offset(), 3); // r_offset not on a slot boundary
    MalformedInputException e =
        assertThrows(MalformedInputException.class, () -> BpfObjectReader.read("x.o", b));
    assertTrue(
        e.getMessage().contains("section 4 'xdp': relocation at offset 0x3"), e.getMessage());
  }
}
