package io.xdpemu.ebpf.btf;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/** String-to-offset index over a BTF's string sections (base chain included), built on demand. */
final class BaseStrings {
  private static final Map<Btf, BaseStrings> CACHE = new WeakHashMap<>();

  private final Map<String, Integer> offsets;

  private BaseStrings(Btf btf) {
    offsets = new HashMap<>();
    for (Btf b = btf; b != null; b = b.base()) {
      byte[] s = b.ownStrings();
      int i = 0;
      while (i < s.length) {
        int end = i;
        while (end < s.length && s[end] != 0) {
          end++;
        }
        // Lower layers are visited later and win, matching a search from the base upwards.
        offsets.put(new String(s, i, end - i, StandardCharsets.UTF_8), b.stringsStart() + i);
        i = end + 1;
      }
    }
  }

  static synchronized BaseStrings of(Btf btf) {
    return CACHE.computeIfAbsent(btf, BaseStrings::new);
  }

  /** Offset of a string equal to {@code s}, or -1. */
  int offsetOf(String s) {
    Integer off = offsets.get(s);
    return off == null ? -1 : off;
  }
}
