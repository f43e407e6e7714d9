package io.xdpemu.ebpf.btf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.xdpemu.ebpf.MalformedInputException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Headers newer than ours (hdr_len 32 + layout section, longer tails) and big-endian BTF. */
class HeaderFormatsTest {
  /**
   * hdr_len {@code hdrLen}; types: [1] int, [2] kind 25 (unknown to us; layout: info_sz 4, elem_sz
   * 8) with vlen 2, [3] ptr -> [2]; a layout section of 26 entries between types and strings (when
   * {@code withLayout}).
   */
  static byte[] newFormat(int hdrLen, boolean withLayout) {
    ByteBuffer types = ByteBuffer.allocate(16 + 32 + 12).order(ByteOrder.LITTLE_ENDIAN);
    types.putInt(1).putInt(RawType.info(1, 0, false)).putInt(4).putInt(0x01000020);
    types.putInt(5).putInt(RawType.info(25, 2, false)).putInt(0);
    types.putInt(0xaa).putInt(1).putInt(2).putInt(3).putInt(4);
    types.putInt(0).putInt(RawType.info(2, 0, false)).putInt(2);
    byte[] strings = "\0int\0new\0".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer layout = ByteBuffer.allocate(withLayout ? 26 * 4 : 0).order(ByteOrder.LITTLE_ENDIAN);
    if (withLayout) {
      for (int k = 0; k < 26; k++) {
        int words = k < 20 ? BtfKind.ofNumber(k).trailingWords(0) : 0;
        layout.put((byte) (k == 25 ? 4 : 4 * words));
        layout.put((byte) (k == 25 ? 8 : 0));
        layout.putShort((short) 0);
      }
    }
    int typeLen = types.capacity();
    int layoutLen = layout.capacity();
    ByteBuffer h = ByteBuffer.allocate(hdrLen).order(ByteOrder.LITTLE_ENDIAN);
    h.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(hdrLen);
    h.putInt(0).putInt(typeLen).putInt(typeLen + layoutLen).putInt(strings.length);
    if (hdrLen >= 32) {
      h.putInt(typeLen).putInt(layoutLen);
    }
    while (h.hasRemaining()) {
      h.put((byte) 0);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(h.array());
    out.writeBytes(types.array());
    out.writeBytes(layout.array());
    out.writeBytes(strings);
    return out.toByteArray();
  }

  @Test
  void skipsUnknownKindsThroughTheLayoutSectionAndRoundTrips() {
    byte[] data = newFormat(32, true);
    Btf btf = Btf.parse(data);
    assertEquals(4, btf.typeCount());
    assertEquals(32, btf.header().hdrLen());
    assertEquals(26 * 4, btf.header().layoutLen());
    BtfType.Unknown u = assertInstanceOf(BtfType.Unknown.class, btf.type(2));
    assertEquals(25, u.kindNumber());
    assertEquals("new", u.name());
    assertEquals(2, ((BtfType.Ptr) btf.type(3)).type());
    assertArrayEquals(data, btf.toBytes());
    assertEquals(
        "[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n"
            + "[2] UNKNOWN 'new'\n[3] PTR '(anon)' type_id=2\n",
        BtfRawDump.dump(btf));
    // merging keeps the layout section between types and strings
    assertArrayEquals(data, BtfMerge.toStandalone(btf).toBytes());
  }

  @Test
  void unknownKindWithoutLayoutSectionIsMalformed() {
    MalformedInputException e =
        assertThrows(MalformedInputException.class, () -> Btf.parse(newFormat(32, false)));
    assertEquals(true, e.getMessage().contains("type [2] has unknown kind 25"), e.getMessage());
  }

  @Test
  void keepsUnknownHeaderTailBytes() {
    byte[] data = newFormat(40, true);
    data[36] = 0x5a; // a field from the future, inside hdr_len
    Btf btf = Btf.parse(data);
    assertArrayEquals(data, btf.toBytes());
  }

  /** Byte-swaps a little-endian BTF: header words and every word of the type section. */
  static byte[] toBigEndian(byte[] le) {
    ByteBuffer in = ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer out = ByteBuffer.wrap(le.clone()).order(ByteOrder.BIG_ENDIAN);
    out.putShort(0, in.getShort(0));
    int hdrLen = in.getInt(4);
    for (int at = 4; at < hdrLen; at += 4) {
      out.putInt(at, in.getInt(at));
    }
    int typeStart = hdrLen + in.getInt(8);
    for (int at = typeStart; at < typeStart + in.getInt(12); at += 4) {
      out.putInt(at, in.getInt(at));
    }
    return out.array();
  }

  @Test
  void readsAndWritesBigEndianBtf() {
    Btf le = SampleBtf.everyShape();
    byte[] be = toBigEndian(le.toBytes());
    Btf btf = Btf.parse(be);
    assertEquals(true, btf.header().bigEndian());
    for (int id = 1; id < le.typeCount(); id++) {
      assertEquals(le.type(id), btf.type(id));
    }
    assertArrayEquals(be, btf.toBytes());
    assertEquals(BtfRawDump.dump(le), BtfRawDump.dump(btf));
  }
}
