package io.xdpemu.runtime.layout;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.Layout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one firmware's layouts differ from another's, field by field ({@code xdpemu firmware diff A
 * B}): for the metadata block and the RX descriptor, every scalar field of either side, matched by
 * its C path, with what changed - moved (offset), narrowed or widened (size), retyped (signedness,
 * byte order, pointer), new, vanished, or selected by other packet types (union members).
 */
public final class LayoutDiff {
  /** One field on both sides; a side is null where the field does not exist. */
  public record FieldChange(
      String struct, String path, FlatLayout.Field a, FlatLayout.Field b, List<String> changes) {
    public boolean changed() {
      return !changes.isEmpty();
    }
  }

  /** A whole struct: names and sizes on both sides (null name: the side has no such block). */
  public record StructChange(
      String role, String nameA, int sizeA, String nameB, int sizeB, List<FieldChange> fields) {}

  private LayoutDiff() {}

  /** The metadata and descriptor structs of {@code a} and {@code b}, compared. */
  public static List<StructChange> of(Firmware a, Firmware b) {
    return List.of(
        compare("metadata", a, b, a.metadata(), b.metadata()),
        compare("descriptor", a, b, a.descriptor(), b.descriptor()));
  }

  private static StructChange compare(String role, Firmware fa, Firmware fb, Layout a, Layout b) {
    Map<String, FlatLayout.Field> left = byPath(a);
    Map<String, FlatLayout.Field> right = byPath(b);
    List<String> paths = new ArrayList<>(left.keySet());
    for (String p : right.keySet()) {
      if (!left.containsKey(p)) {
        paths.add(p);
      }
    }
    String descA = fa.descriptor().structName();
    String descB = fb.descriptor().structName();
    List<FieldChange> fields = new ArrayList<>();
    for (String p : paths) {
      FlatLayout.Field x = left.get(p);
      FlatLayout.Field y = right.get(p);
      List<String> changes = new ArrayList<>();
      if (x == null) {
        changes.add("new");
      } else if (y == null) {
        changes.add("vanished");
      } else {
        if (x.offset() != y.offset()) {
          changes.add("moved " + x.offset() + " -> " + y.offset());
        }
        if (y.size() < x.size()) {
          changes.add("narrowed " + x.size() + " -> " + y.size() + " bytes");
        } else if (y.size() > x.size()) {
          changes.add("widened " + x.size() + " -> " + y.size() + " bytes");
        }
        if (!x.cType(descA).equals(y.cType(descB)) && x.size() == y.size()) {
          changes.add("retyped " + x.cType(descA) + " -> " + y.cType(descB));
        }
        String whenA = x.ptypes() == null ? "" : FlatLayout.ptypeNames(fa, x.ptypes());
        String whenB = y.ptypes() == null ? "" : FlatLayout.ptypeNames(fb, y.ptypes());
        if (!whenA.equals(whenB)) {
          changes.add("written for other packet types");
        }
      }
      fields.add(new FieldChange(role, p, x, y, changes));
    }
    return new StructChange(
        role,
        a == null ? null : a.structName(),
        a == null ? 0 : a.size(),
        b == null ? null : b.structName(),
        b == null ? 0 : b.size(),
        fields);
  }

  private static Map<String, FlatLayout.Field> byPath(Layout l) {
    Map<String, FlatLayout.Field> m = new LinkedHashMap<>();
    for (FlatLayout.Field f : FlatLayout.of(l)) {
      m.put(f.path(), f);
    }
    return m;
  }
}
