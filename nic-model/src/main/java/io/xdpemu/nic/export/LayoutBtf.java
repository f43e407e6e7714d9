package io.xdpemu.nic.export;

import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfBuilder;
import io.xdpemu.ebpf.btf.BtfKind;
import io.xdpemu.ebpf.btf.BtfType;
import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.Layout;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Exports a firmware's layouts as split BTF on a base (vmlinux): what a driver would publish at
 * {@code /sys/kernel/btf/<nic>} and what libbpf stitches onto vmlinux BTF for CO-RE. Scalar members
 * use the base's {@code __u32}/{@code __be16}/... typedefs, as pahole's output for the generated
 * header does (pahole deduplicates against the base); a base without them gets its own INT +
 * TYPEDEF in the split part.
 *
 * <p>Types, in order: {@code enum <ptype enum>} (when the firmware names one), the descriptor
 * struct, a pointer to it, the union member structs, the unions, the metadata struct.
 */
public final class LayoutBtf {
  private final Btf base;
  private final BtfBuilder b;
  private final Map<Layout.Scalar, Integer> scalars = new EnumMap<>(Layout.Scalar.class);
  private final Map<String, Integer> ints = new HashMap<>();
  private int descriptorPtr;

  private LayoutBtf(Btf base) {
    this.base = base;
    this.b = BtfBuilder.splitOn(base);
  }

  /** The split BTF, as bytes in the kernel's raw format. */
  public static byte[] export(Firmware fw, Btf base) {
    return build(fw, base).toBytes();
  }

  public static Btf build(Firmware fw, Btf base) {
    LayoutBtf x = new LayoutBtf(base);
    if (fw.ptypeEnum() != null) {
      x.b.addEnum(fw.ptypeEnum(), 4, false);
      LayoutTypes.ptypeEnumerators(fw).forEach((n, v) -> x.b.addEnumValue(n, v));
    }
    int desc = x.struct(fw.descriptor());
    x.descriptorPtr = x.b.addPtr(desc);
    if (fw.metadata() != null) {
      x.struct(fw.metadata());
    }
    return x.b.build();
  }

  /** Adds {@code layout} (its member types first) and returns its id. */
  private int struct(Layout layout) {
    var cmembers = LayoutTypes.members(layout);
    int[] types = new int[cmembers.size()];
    for (int i = 0; i < types.length; i++) {
      LayoutTypes.CMember cm = cmembers.get(i);
      types[i] = cm.isPad() ? padArray(cm.padBytes()) : memberType(cm.member());
    }
    int id = b.addStruct(layout.structName(), layout.size());
    for (int i = 0; i < types.length; i++) {
      b.addField(cmembers.get(i).name(), types[i], cmembers.get(i).offset() * 8, 0);
    }
    return id;
  }

  private int memberType(Layout.Member m) {
    if (m.union() == null) {
      return m.scalar() == Layout.Scalar.PTR ? descriptorPtr : scalar(m.scalar());
    }
    Layout.Union u = m.union();
    int[] memberTypes = new int[u.members().size()];
    for (int i = 0; i < memberTypes.length; i++) {
      memberTypes[i] = struct(u.members().get(i).layout());
    }
    int id = b.addUnion(u.unionName(), u.size());
    for (int i = 0; i < memberTypes.length; i++) {
      b.addField(u.members().get(i).name(), memberTypes[i], 0, 0);
    }
    return id;
  }

  private int padArray(int bytes) {
    return b.addArray(scalar(Layout.Scalar.U8), intType("int", 4, BtfType.INT_SIGNED), bytes);
  }

  private int scalar(Layout.Scalar s) {
    Integer known = scalars.get(s);
    if (known != null) {
      return known;
    }
    int id = base.find(s.cType, BtfKind.TYPEDEF);
    if (id <= 0) {
      String intName;
      switch (s.size) {
        case 1:
          intName = s.signed ? "signed char" : "unsigned char";
          break;
        case 2:
          intName = s.signed ? "short int" : "short unsigned int";
          break;
        case 4:
          intName = s.signed ? "int" : "unsigned int";
          break;
        default:
          intName = s.signed ? "long long int" : "long long unsigned int";
      }
      int target = intType(intName, s.size, s.signed ? BtfType.INT_SIGNED : 0);
      if (s.bigEndian) { // __be32 is a typedef of __u32 in uapi/linux/types.h
        target = scalar(Layout.Scalar.valueOf("U" + s.size * 8));
      }
      id = b.addTypedef(s.cType, target);
    }
    scalars.put(s, id);
    return id;
  }

  private int intType(String name, int size, int encoding) {
    Integer known = ints.get(name);
    if (known != null) {
      return known;
    }
    int id = base.find(name, BtfKind.INT);
    if (id <= 0) {
      id = b.addInt(name, size, encoding);
    }
    ints.put(name, id);
    return id;
  }
}
