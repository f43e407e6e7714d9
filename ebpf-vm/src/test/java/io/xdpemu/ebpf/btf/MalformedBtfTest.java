package io.xdpemu.ebpf.btf;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.xdpemu.ebpf.MalformedInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bad BTF and .BTF.ext: one MalformedInputException naming the offset and the problem. */
class MalformedBtfTest {
  /** A tiny valid BTF: [1] int, [2] ptr -> 1, [3] struct s { int a; int *p; }. */
  static byte[] tiny() {
    BtfBuilder b = BtfBuilder.standalone();
    int i = b.addInt("int", 4, BtfType.INT_SIGNED);
    int p = b.addPtr(i);
    b.addStruct("s", 16);
    b.addField("a", i, 0, 0);
    b.addField("p", p, 64, 0);
    return b.toBytes();
  }

  static ByteBuffer le(byte[] data) {
    return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
  }

  static void assertMalformed(byte[] data, String... phrases) {
    MalformedInputException e = assertThrows(MalformedInputException.class, () -> Btf.parse(data));
    assertTrue(e.getMessage().startsWith("malformed BTF"), e.getMessage());
    assertTrue(e.getMessage().contains("at byte offset"), e.getMessage());
    for (String p : phrases) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
    }
  }

  @Test
  void rejectsBadMagic() {
    byte[] d = tiny();
    d[0] = 0x12;
    assertMalformed(d, "bad magic", "offset 0");
  }

  @Test
  void rejectsTruncatedHeader() {
    assertMalformed(Arrays.copyOf(tiny(), 6), "truncated header");
    assertMalformed(Arrays.copyOf(tiny(), 20), "truncated header");
  }

  @Test
  void rejectsHdrLenBelowMinimum() {
    byte[] d = tiny();
    le(d).putInt(4, 16);
    assertMalformed(d, "hdr_len 16");
  }

  @Test
  void rejectsSectionPastTheEnd() {
    byte[] d = tiny();
    le(d).putInt(20, 1 << 20); // str_len
    assertMalformed(d, "string section", "runs past the end", "offset 20");
  }

  @Test
  void rejectsTypeReferringToMissingId() {
    byte[] d = tiny();
    // type [2] is the PTR: its 'type' word is at 24 + 16 (int record) + 8
    le(d).putInt(24 + 16 + 8, 99);
    assertMalformed(d, "type [2] refers to missing type id 99", "offset 48");
  }

  @Test
  void rejectsNameOffsetOutsideStrings() {
    byte[] d = tiny();
    le(d).putInt(24, 5000);
    assertMalformed(d, "type [1] name offset 5000 outside the string section", "offset 24");
  }

  @Test
  void rejectsVlenOverrunningTheTypeSection() {
    byte[] d = tiny();
    int structAt = 24 + 16 + 12;
    ByteBuffer b = le(d);
    b.putInt(structAt + 4, RawType.info(BtfKind.STRUCT.number(), 40, false));
    assertMalformed(d, "type [3] STRUCT vlen 40 overruns the type section", "offset " + structAt);
  }

  @Test
  void rejectsUnknownKindWithoutLayoutSection() {
    byte[] d = tiny();
    le(d).putInt(24 + 4, RawType.info(25, 0, false));
    assertMalformed(d, "type [1] has unknown kind 25");
  }

  @Test
  void rejectsStringSectionWithoutLeadingNul() {
    byte[] d = tiny();
    int strOff = 24 + le(d).getInt(16);
    d[strOff] = 'x';
    assertMalformed(d, "does not start with the empty string");
  }

  @Test
  void rejectsPointerLoops() {
    BtfBuilder b = BtfBuilder.standalone();
    b.addPtr(2);
    b.addConst(1);
    MalformedInputException e = assertThrows(MalformedInputException.class, b::build);
    assertTrue(e.getMessage().contains("reference loop"), e.getMessage());
  }

  @Test
  void rejectsTruncatedBtfExt() throws Exception {
    Btf btf = BtfExtTest.fixtureBtf();
    byte[] obj = BtfExtTest.resource("core_prog.o");
    byte[] ext = ElfBtfSection.section(obj, ".BTF.ext", "core_prog.o");
    MalformedInputException e =
        assertThrows(
            MalformedInputException.class,
            () -> BtfExt.parse(Arrays.copyOf(ext, ext.length - 3), btf));
    assertTrue(e.getMessage().startsWith("malformed BTF.ext"), e.getMessage());
    assertTrue(e.getMessage().contains("at byte offset"), e.getMessage());
  }

  /** Everything a consumer may do with a parsed BTF, so fuzzed inputs reach every decoder. */
  private static void exercise(Btf btf, boolean cDump) {
    BtfRawDump.dump(btf);
    for (int id = 1; id < btf.typeCount(); id++) {
      btf.type(id);
      btf.resolve(id);
      BtfKind k = btf.kind(id);
      try {
        if (k == BtfKind.STRUCT || k == BtfKind.UNION || k == BtfKind.INT) {
          btf.sizeOf(id);
          btf.alignOf(id);
        }
      } catch (IllegalArgumentException e) {
        // "type has no size/alignment" is a legitimate answer for e.g. a struct of functions
      }
    }
    btf.find("s", BtfKind.STRUCT);
    if (cDump) {
      BtfCDump.dumpHeader(btf);
    }
  }

  private static void fuzz(byte[] valid, int flips, boolean cDumpEveryTime) {
    int accepted = 0;
    for (int len = 0; len < valid.length; len += Math.max(1, valid.length / 2000)) {
      try {
        exercise(Btf.parse(Arrays.copyOf(valid, len)), false);
        accepted++;
      } catch (MalformedInputException expected) {
        // the only acceptable failure
      } catch (RuntimeException | StackOverflowError e) {
        fail("truncation to " + len + " bytes: " + e, e);
      }
    }
    Random rnd = new Random(42);
    for (int i = 0; i < flips; i++) {
      byte[] d = valid.clone();
      int nflips = 1 + rnd.nextInt(3);
      StringBuilder what = new StringBuilder();
      for (int f = 0; f < nflips; f++) {
        int bit = rnd.nextInt(d.length * 8);
        d[bit / 8] ^= (byte) (1 << (bit % 8));
        what.append(bit).append(' ');
      }
      try {
        exercise(Btf.parse(d), cDumpEveryTime || i % 50 == 0);
        accepted++;
      } catch (MalformedInputException expected) {
        // fine
      } catch (RuntimeException | StackOverflowError e) {
        fail("bit flips " + what + ": " + e, e);
      }
    }
    assertTrue(accepted > 0, "some mutations are still valid BTF");
  }

  @Test
  void fuzzedHandBuiltBtfOnlyEverFailsWithMalformedInput() {
    fuzz(SampleBtf.everyShape().toBytes(), 3000, true);
  }

  @Test
  void fuzzedBundledBaseOnlyEverFailsWithMalformedInput() {
    fuzz(BaseBtf.bundled().toBytes(), 1500, false);
  }

  @Test
  void fuzzedBtfExtOnlyEverFailsWithMalformedInput() throws Exception {
    Btf btf = BtfExtTest.fixtureBtf();
    byte[] ext = ElfBtfSection.section(BtfExtTest.resource("core_prog.o"), ".BTF.ext", "o");
    Random rnd = new Random(7);
    for (int i = 0; i < 3000; i++) {
      byte[] d = i < ext.length ? Arrays.copyOf(ext, i) : ext.clone();
      if (i >= ext.length) {
        int bit = rnd.nextInt(d.length * 8);
        d[bit / 8] ^= (byte) (1 << (bit % 8));
      }
      try {
        BtfExt.parse(d, btf);
      } catch (MalformedInputException expected) {
        // fine
      } catch (RuntimeException e) {
        fail("mutation " + i + ": " + e, e);
      }
    }
  }
}
