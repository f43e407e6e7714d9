package io.xdpemu.nic.firmware;

import io.xdpemu.ebpf.jackson.Located;
import io.xdpemu.ebpf.jackson.Position;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a struct layout (metadata or RX descriptor) and checks it the way a C compiler and the
 * kernel would: natural alignment, no overlaps, size a multiple of 4 and within the metadata limit
 * (xdp_metalen_invalid()), C identifiers for names.
 */
final class LayoutReader {
  private final FirmwareLoader names;
  private final Set<String> structNames = new HashSet<>();

  LayoutReader(FirmwareLoader names) {
    this.names = names;
  }

  /** The seed thread's descriptor, used when a firmware does not describe its own. */
  static Layout defaultDescriptor(String nicName) {
    Position p = Position.NONE;
    List<Layout.Member> f = new ArrayList<>();
    f.add(scalar("len", 0, Layout.Scalar.U64, Source.PACKET_LENGTH, p));
    f.add(scalar("head", 8, Layout.Scalar.U64, Source.BUFFER_ADDRESS, p));
    f.add(scalar("tail", 16, Layout.Scalar.U64, Source.RING_INDEX, p));
    f.add(scalar("foobar", 24, Layout.Scalar.U64, Source.ZERO, p));
    return new Layout(cName(nicName) + "_rx_descriptor", 32, 8, List.copyOf(f), p);
  }

  private static Layout.Member scalar(
      String name, int off, Layout.Scalar type, Source src, Position p) {
    return new Layout.Member(name, off, type, src, 0, null, null, p);
  }

  static String cName(String s) {
    return s.replaceAll("[^A-Za-z0-9_]", "_").toLowerCase(Locale.ROOT);
  }

  Layout read(Located o, boolean metadata, int maxSize) {
    o.allowOnly("struct", "size", "fields", "ring_size", "description");
    return readStruct(o, metadata, maxSize, false);
  }

  private Layout readStruct(Located o, boolean metadata, int maxSize, boolean inUnion) {
    // Union members may be anonymous structs (structName null), as in "union { struct { ... }
    // ipv4; } u;".
    String structName = null;
    if (!inUnion || o.has("struct")) {
      Located sn = o.require("struct");
      structName = identifier(sn);
      if (!structNames.add(structName)) {
        throw sn.at().error("struct " + structName + " is defined twice");
      }
    }
    List<Layout.Member> members = new ArrayList<>();
    int cursor = 0;
    int align = 1;
    for (Located fv : o.require("fields").asArray()) {
      Located f = fv.asObject();
      Layout.Member m = member(f, metadata, inUnion, cursor);
      int a = alignment(m);
      if (m.offset() % a != 0) {
        throw f.at()
            .error(
                "field "
                    + m.name()
                    + " at offset "
                    + m.offset()
                    + " is not aligned to its "
                    + a
                    + "-byte alignment");
      }
      align = Math.max(align, a);
      members.add(m);
      cursor = m.offset() + m.size();
    }
    checkOverlaps(structName, members);
    int end = 0;
    for (Layout.Member m : members) {
      end = Math.max(end, m.offset() + m.size());
    }
    int natural = (end + align - 1) / align * align;
    int size = natural;
    if (o.has("size")) {
      Located sv = o.get("size");
      size = sv.asInt();
      if (size < end) {
        throw sv.at().error("size " + size + " is smaller than the fields (" + end + " bytes)");
      }
      if (size % align != 0) {
        throw sv.at()
            .error("size " + size + " is not a multiple of the struct's alignment " + align);
      }
    }
    if (metadata && !inUnion) {
      Position at = o.has("size") ? o.get("size").at() : o.at();
      if (size % 4 != 0) {
        throw at.error(
            "metadata size "
                + size
                + " is not a multiple of 4 (the kernel's xdp_metalen_invalid() refuses it)");
      }
      if (size > maxSize) {
        throw at.error(
            "metadata size "
                + size
                + " is too large: at most "
                + maxSize
                + " bytes fit the headroom limit (meta_max)");
      }
      if (size == 0) {
        throw at.error("metadata struct " + structName + " is empty");
      }
    }
    return new Layout(structName, size, align, List.copyOf(members), o.at());
  }

  private static int alignment(Layout.Member m) {
    if (m.union() != null) {
      int a = 1;
      for (Layout.UnionMember um : m.union().members()) {
        a = Math.max(a, um.layout().align());
      }
      return a;
    }
    return m.scalar().size;
  }

  private Layout.Member member(Located f, boolean metadata, boolean inUnion, int cursor) {
    Located nv = f.require("name");
    String name = identifier(nv);
    if (f.has("members")) {
      f.allowOnly("name", "offset", "union", "members", "description");
      if (!metadata || inUnion) {
        throw f.at()
            .error(
                inUnion
                    ? "unions nest only one level"
                    : "unions are allowed only in" + " the metadata layout");
      }
      String unionName = f.has("union") ? identifier(f.get("union")) : null;
      List<Layout.UnionMember> ums = new ArrayList<>();
      int size = 0;
      int align = 1;
      Set<Long> claimed = new HashSet<>();
      for (Located mv : f.get("members").asArray()) {
        Located mo = mv.asObject();
        mo.allowOnly("name", "struct", "when", "fields", "description");
        String mname = identifier(mo.require("name"));
        Layout layout = readStruct(mo, true, Integer.MAX_VALUE, true);
        Located when = mo.require("when").asArray();
        long[] ptypes = new long[when.size()];
        for (int i = 0; i < ptypes.length; i++) {
          Located w = when.get(i);
          if (w.kind() == Located.Kind.STRING && names.ptypeByRule.containsKey(w.asString())) {
            ptypes[i] = names.ptypeByRule.get(w.asString());
          } else if (w.kind() == Located.Kind.NUMBER) {
            ptypes[i] = w.asLong();
          } else {
            throw w.at().error("\"when\" names no ptype rule: " + w.describe());
          }
          if (!claimed.add(ptypes[i])) {
            throw w.at()
                .error("ptype " + ptypes[i] + " already selects another member of union " + name);
          }
        }
        size = Math.max(size, layout.size());
        align = Math.max(align, layout.align());
        ums.add(new Layout.UnionMember(mname, layout, ptypes, mo.at()));
      }
      if (ums.isEmpty()) {
        throw f.at().error("union " + name + " has no members");
      }
      size = (size + align - 1) / align * align;
      int off = f.has("offset") ? f.get("offset").asInt() : align(cursor, align);
      return new Layout.Member(
          name,
          off,
          null,
          null,
          0,
          null,
          new Layout.Union(unionName, size, List.copyOf(ums)),
          f.at());
    }
    f.allowOnly("name", "offset", "type", "source", "description");
    Located tv = f.require("type");
    Layout.Scalar type;
    try {
      type = Layout.Scalar.valueOf(tv.asString().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw tv.at()
          .error(
              "unknown type \""
                  + tv.asString()
                  + "\" (u8 u16 u32 u64 s8 s16 s32 s64 be16 be32 be64 ptr)");
    }
    Located sv = f.require("source");
    String s = sv.asString();
    Source source;
    long argument = 0;
    Layout.FieldRef ref = null;
    if (s.startsWith("const:")) {
      source = Source.CONST;
      argument = Values.number(Located.string(s.substring(6), sv.at()));
    } else if (s.startsWith("field:")) {
      source = Source.FIELD;
      ref = names.fieldRef(Located.string(s.substring(6), sv.at()), 64);
    } else {
      try {
        source = Source.valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw sv.at()
            .error(
                "unknown source \""
                    + s
                    + "\" (see FIRMWARE.md: timestamp, rss_hash,"
                    + " rss_hash_type, ptype, vlan_tci, l3_offset, l4_offset, checksum_status, flow_mark,"
                    + " rx_descriptor, ..., const:N, field:hdr.field)");
      }
      if (source == Source.CONST || source == Source.FIELD) {
        throw sv.at().error("write \"" + s.toLowerCase(Locale.ROOT) + ":...\" with an argument");
      }
    }
    if (type == Layout.Scalar.PTR) {
      if (!metadata || source != Source.RX_DESCRIPTOR) {
        throw tv.at().error("type ptr is only for a metadata field with source rx_descriptor");
      }
    } else if (source == Source.RX_DESCRIPTOR && type.size != 8) {
      throw tv.at().error("rx_descriptor is a 64-bit kernel address; use type ptr or u64");
    }
    int off = f.has("offset") ? f.get("offset").asInt() : align(cursor, type.size);
    if (off < 0) {
      throw f.get("offset").at().error("negative offset");
    }
    return new Layout.Member(name, off, type, source, argument, ref, null, f.at());
  }

  private static int align(int v, int a) {
    return (v + a - 1) / a * a;
  }

  private static void checkOverlaps(String struct, List<Layout.Member> members) {
    List<Layout.Member> sorted = new ArrayList<>(members);
    sorted.sort(Comparator.comparingInt(Layout.Member::offset));
    for (int i = 1; i < sorted.size(); i++) {
      Layout.Member a = sorted.get(i - 1);
      Layout.Member b = sorted.get(i);
      if (b.offset() < a.offset() + a.size()) {
        Layout.Member later = b.at().line() >= a.at().line() ? b : a;
        Layout.Member other = later == b ? a : b;
        throw later
            .at()
            .error(
                "field "
                    + later.name()
                    + " ["
                    + later.offset()
                    + ", "
                    + (later.offset() + later.size())
                    + ") overlaps field "
                    + other.name()
                    + " ["
                    + other.offset()
                    + ", "
                    + (other.offset() + other.size())
                    + ") in struct "
                    + struct);
      }
    }
    Set<String> seen = new HashSet<>();
    for (Layout.Member m : members) {
      if (!seen.add(m.name())) {
        throw m.at().error("duplicate field name " + m.name() + " in struct " + struct);
      }
    }
  }

  private static String identifier(Located v) {
    String s = v.asString();
    if (!s.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw v.at().error("\"" + s + "\" is not a C identifier");
    }
    return s;
  }
}
