package io.xdpemu.runtime.layout;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.Layout;
import io.xdpemu.nic.firmware.PtypeRule;
import java.util.ArrayList;
import java.util.List;

/**
 * A firmware layout as a flat list of scalar fields with absolute offsets: {@code hash}, {@code
 * u.ipv4.saddr}... A union member's fields carry the packet types that select the member (the
 * firmware writes it only for those frames). The shape both the layout diff and the report's
 * metadata distributions read.
 */
public final class FlatLayout {
  /**
   * One scalar field.
   *
   * @param path dotted C path from the struct ({@code u.ipv4.saddr})
   * @param ptypes the packet types for which the field is written; null outside unions
   */
  public record Field(String path, int offset, Layout.Scalar scalar, long[] ptypes) {
    public int size() {
      return scalar.size;
    }

    /** The C type: {@code __u32}, {@code __be16}, or a pointer to the descriptor struct. */
    public String cType(String descriptorStruct) {
      return scalar == Layout.Scalar.PTR ? "struct " + descriptorStruct + " *" : scalar.cType;
    }
  }

  private FlatLayout() {}

  /** The scalar fields of {@code layout} (the metadata or the descriptor), in layout order. */
  public static List<Field> of(Layout layout) {
    List<Field> out = new ArrayList<>();
    if (layout != null) {
      collect(layout, 0, "", null, out);
    }
    return out;
  }

  private static void collect(
      Layout layout, int base, String prefix, long[] ptypes, List<Field> out) {
    for (Layout.Member m : layout.fields()) {
      if (m.union() != null) {
        for (Layout.UnionMember um : m.union().members()) {
          collect(
              um.layout(),
              base + m.offset(),
              prefix + m.name() + "." + um.name() + ".",
              um.ptypes(),
              out);
        }
      } else {
        out.add(new Field(prefix + m.name(), base + m.offset(), m.scalar(), ptypes));
      }
    }
  }

  /** The rule names of {@code ptypes} in {@code fw} ("ipv4_tcp, ipv4_udp"). */
  public static String ptypeNames(Firmware fw, long[] ptypes) {
    List<String> names = new ArrayList<>();
    for (long p : ptypes) {
      String name = "0x" + Long.toHexString(p);
      for (PtypeRule r : fw.ptypes()) {
        if (r.ptype() == p) {
          name = r.name();
          break;
        }
      }
      names.add(name);
    }
    return String.join(", ", names);
  }
}
