package io.xdpemu.ebpf.btf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A deduplicating string section under construction. For split BTF, strings the base already has
 * are referenced there and not repeated (libbpf {@code btf__add_str} looks in the base first).
 */
final class StringSectionBuilder {
  private final Btf base;
  private final int start;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final Map<String, Integer> offsets = new HashMap<>();

  StringSectionBuilder(Btf base) {
    this.base = base;
    this.start = base == null ? 0 : base.stringsEnd();
    if (base == null) {
      bytes.write(0); // a standalone string section starts with the empty string
    }
    offsets.put("", 0);
  }

  int add(String s) {
    Integer known = offsets.get(s);
    if (known != null) {
      return known;
    }
    if (base != null) {
      int inBase = BaseStrings.of(base).offsetOf(s);
      if (inBase >= 0) {
        offsets.put(s, inBase);
        return inBase;
      }
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    for (byte c : b) {
      if (c == 0) {
        throw new IllegalArgumentException("BTF strings cannot contain NUL: " + s);
      }
    }
    int off = start + bytes.size();
    bytes.write(b, 0, b.length);
    bytes.write(0);
    offsets.put(s, off);
    return off;
  }

  byte[] toByteArray() {
    return bytes.toByteArray();
  }
}
