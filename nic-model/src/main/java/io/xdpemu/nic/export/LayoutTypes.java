package io.xdpemu.nic.export;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.Layout;
import io.xdpemu.nic.firmware.PtypeRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The C view of a firmware's layouts, shared by the BTF exporter and the header writer so that both
 * describe exactly the same types: the ptype enum, the descriptor struct, named union member
 * structs, the metadata struct, and the explicit padding members that make C place every field at
 * the firmware's offset ({@code __u8 __padN[len]}, N the gap's offset).
 */
final class LayoutTypes {
  private LayoutTypes() {}

  /** A member of the C struct: a layout member or a padding array. */
  record CMember(String name, int offset, Layout.Member member, int padBytes) {
    boolean isPad() {
      return member == null;
    }
  }

  /** Members in offset order with padding for gaps and for a size beyond the natural one. */
  static List<CMember> members(Layout layout) {
    List<Layout.Member> sorted = new ArrayList<>(layout.fields());
    sorted.sort((a, b) -> Integer.compare(a.offset(), b.offset()));
    List<CMember> out = new ArrayList<>();
    int cursor = 0;
    for (Layout.Member m : sorted) {
      int aligned = alignUp(cursor, alignment(m));
      if (m.offset() > aligned) {
        out.add(new CMember("__pad" + cursor, cursor, null, m.offset() - cursor));
      }
      out.add(new CMember(m.name(), m.offset(), m, 0));
      cursor = m.offset() + m.size();
    }
    if (alignUp(cursor, layout.align()) < layout.size()) {
      out.add(new CMember("__pad" + cursor, cursor, null, layout.size() - cursor));
    }
    return out;
  }

  static int alignment(Layout.Member m) {
    if (m.union() == null) {
      return m.scalar().size;
    }
    int a = 1;
    for (Layout.UnionMember um : m.union().members()) {
      a = Math.max(a, um.layout().align());
    }
    return a;
  }

  static int alignUp(int v, int a) {
    return (v + a - 1) / a * a;
  }

  /** Enumerators of the ptype enum, in declaration order: the default, then the rules. */
  static Map<String, Long> ptypeEnumerators(Firmware fw) {
    Map<String, Long> out = new LinkedHashMap<>();
    String prefix = fw.ptypeEnum().toUpperCase(Locale.ROOT) + "_";
    out.put(prefix + fw.defaultPtypeName().toUpperCase(Locale.ROOT), fw.defaultPtype());
    for (PtypeRule r : fw.ptypes()) {
      out.putIfAbsent(prefix + r.name().toUpperCase(Locale.ROOT), r.ptype());
    }
    return out;
  }

  /** Named structs of union members, in the order C must declare them. */
  static List<Layout> namedMemberStructs(Layout metadata) {
    List<Layout> out = new ArrayList<>();
    for (Layout.Member m : metadata.fields()) {
      if (m.union() != null) {
        for (Layout.UnionMember um : m.union().members()) {
          if (!um.layout().anonymous()) {
            out.add(um.layout());
          }
        }
      }
    }
    return out;
  }
}
