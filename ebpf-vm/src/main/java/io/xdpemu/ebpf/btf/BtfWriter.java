package io.xdpemu.ebpf.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Writes a {@link Btf}'s own types and strings (for split BTF: only the split part, as pahole's
 * {@code --btf_encode_detached} and the kernel's module BTF do). The header keeps its {@code
 * hdr_len}, flags and unknown tail; sections are laid out contiguously in the order they had when
 * read (types, strings, then layout for anything we build), so a parsed file is reproduced byte for
 * byte.
 */
public final class BtfWriter {
  private BtfWriter() {}

  public static byte[] write(Btf btf) {
    BtfHeader h = btf.header();
    int typeLen = 0;
    for (int id = btf.firstId(); id < btf.typeCount(); id++) {
      typeLen += btf.raw(id).byteSize();
    }
    byte[] strings = btf.ownStrings();
    byte[] layout = btf.layoutSection();
    // Sections in their original order; ties (empty sections) keep types < strings < layout.
    int[][] order = {{h.typeOff(), 0}, {h.strOff(), 1}, {h.layoutOff(), 2}};
    if (layout.length == 0) {
      order[2][0] = Integer.MAX_VALUE;
    }
    Arrays.sort(
        order,
        Comparator.<int[]>comparingLong(o -> Integer.toUnsignedLong(o[0]))
            .thenComparingInt(o -> o[1]));
    int[] offsets = new int[3];
    int at = 0;
    for (int[] o : order) {
      offsets[o[1]] = at;
      at += o[1] == 0 ? typeLen : o[1] == 1 ? strings.length : layout.length;
    }
    BtfHeader out =
        h.withSections(
            offsets[0],
            typeLen,
            offsets[1],
            strings.length,
            layout.length == 0 ? h.layoutOff() : offsets[2],
            layout.length);
    ByteBuffer buf =
        ByteBuffer.allocate(h.hdrLen() + at)
            .order(h.bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    buf.putShort((short) BtfHeader.MAGIC);
    buf.put((byte) out.version());
    buf.put((byte) out.flags());
    buf.putInt(out.hdrLen());
    buf.putInt(out.typeOff());
    buf.putInt(out.typeLen());
    buf.putInt(out.strOff());
    buf.putInt(out.strLen());
    buf.put(out.tail());
    int body = h.hdrLen();
    buf.position(body + offsets[0]);
    for (int id = btf.firstId(); id < btf.typeCount(); id++) {
      RawType r = btf.raw(id);
      buf.putInt(r.nameOff());
      buf.putInt(r.info());
      buf.putInt(r.sizeOrType());
      for (int w : r.data()) {
        buf.putInt(w);
      }
    }
    buf.position(body + offsets[1]);
    buf.put(strings);
    if (layout.length > 0) {
      buf.position(body + offsets[2]);
      buf.put(layout);
    }
    return buf.array();
  }
}
