package io.xdpemu.ebpf.btf;

import java.util.HashMap;
import java.util.Map;

/**
 * C names for {@link BtfCDump}, libbpf btf_dump.c {@code btf_dump_resolve_name}: struct/union/enum
 * tags and typedef/enumerator identifiers live in two namespaces; the second and later types with
 * the same name in a namespace get {@code name___N}. FWDs and empty enums keep their plain name
 * (they declare, not define).
 */
final class CNames {
  private final Btf btf;
  private final boolean[] resolved;
  private final String[] cached;
  private final Map<String, Integer> typeNames = new HashMap<>();
  private final Map<String, Integer> identNames = new HashMap<>();

  CNames(Btf btf) {
    this.btf = btf;
    this.resolved = new boolean[btf.typeCount()];
    this.cached = new String[btf.typeCount()];
  }

  /** {@code btf_dump_name_dups}: occurrences of {@code name} so far, this one included. */
  private static int dups(Map<String, Integer> map, String name) {
    return map.merge(name, 1, Integer::sum);
  }

  /** Enumerators share the identifier namespace with typedefs. */
  int identDups(String enumerator) {
    return dups(identNames, enumerator);
  }

  String typeName(int id) {
    return resolve(id, typeNames);
  }

  String identName(int id) {
    return resolve(id, identNames);
  }

  private String resolve(int id, Map<String, Integer> map) {
    RawType t = btf.raw(id);
    if (t.nameOff() == 0) {
      return "";
    }
    String orig = btf.hasString(t.nameOff()) ? btf.string(t.nameOff()) : "";
    if (resolved[id]) {
      return cached[id] != null ? cached[id] : orig;
    }
    BtfKind k = t.kind();
    if (k == BtfKind.FWD || (k == BtfKind.ENUM && t.vlen() == 0)) {
      resolved[id] = true;
      return orig;
    }
    int n = dups(map, orig);
    if (n > 1) {
      cached[id] = orig + "___" + n;
    }
    resolved[id] = true;
    return cached[id] != null ? cached[id] : orig;
  }
}
