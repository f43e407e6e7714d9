package io.xdpemu.ebpf.btf;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Flattens split BTF into one standalone BTF: base types then split types (ids unchanged, since
 * split ids already continue the base's), base strings then split strings (offsets unchanged for
 * the same reason). This is the {@code btf_custom_path} file libbpf needs, which cannot be split
 * (reference §2.3/§6: header + (base types ‖ split types) + (base strings ‖ split strings)).
 */
public final class BtfMerge {
  private BtfMerge() {}

  public static Btf toStandalone(Btf btf) {
    if (!btf.isSplit()) {
      return btf;
    }
    List<Btf> chain = new ArrayList<>();
    for (Btf b = btf; b != null; b = b.base()) {
      chain.add(0, b);
    }
    RawType[] types = new RawType[btf.typeCount() - 1];
    ByteArrayOutputStream strings = new ByteArrayOutputStream(btf.stringsEnd());
    int typeLen = 0;
    for (Btf b : chain) {
      for (int id = b.firstId(); id < b.typeCount(); id++) {
        RawType r = b.raw(id);
        types[id - 1] = r;
        typeLen += r.byteSize();
      }
      strings.writeBytes(b.ownStrings());
    }
    Btf root = chain.get(0);
    byte[] str = strings.toByteArray();
    byte[] layout = root.layoutSection();
    // 2026 layout: header | types | layout | strings (libbpf btf.c raw data diagram)
    BtfHeader h =
        root.header()
            .withSections(0, typeLen, typeLen + layout.length, str.length, typeLen, layout.length);
    return new Btf(null, h, types, str, layout, btf.source() + " (merged)");
  }
}
