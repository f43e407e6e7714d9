package io.xdpemu.ebpf.btf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Decodes one wire record into the public {@link BtfType} model (kind_flag semantics included). */
final class TypeDecoder {
  private TypeDecoder() {}

  static BtfType decode(Btf btf, int id, RawType r) {
    String name = btf.string(r.nameOff());
    int[] d = r.data();
    BtfKind kind = r.kind();
    if (kind == null) {
      return new BtfType.Unknown(id, name, r.kindNumber());
    }
    int st = r.sizeOrType();
    switch (kind) {
      case INT:
        // BTF_INT_ENCODING(v) = (v & 0x0f000000) >> 24, OFFSET = (v >> 16) & 0xff, BITS = v & 0xff
        return new BtfType.Int(
            id, name, st, (d[0] >>> 24) & 0x0f, (d[0] >>> 16) & 0xff, d[0] & 0xff);
      case PTR:
        return new BtfType.Ptr(id, name, st);
      case ARRAY:
        return new BtfType.Array(id, name, d[0], d[1], d[2]);
      case STRUCT:
        return new BtfType.Struct(id, name, st, r.kindFlag(), members(btf, r));
      case UNION:
        return new BtfType.Union(id, name, st, r.kindFlag(), members(btf, r));
      case ENUM:
        {
          List<BtfType.EnumValue> values = new ArrayList<>(r.vlen());
          for (int i = 0; i < r.vlen(); i++) {
            int v = d[2 * i + 1];
            long value = r.kindFlag() ? v : Integer.toUnsignedLong(v);
            values.add(new BtfType.EnumValue(btf.string(d[2 * i]), value));
          }
          return new BtfType.Enum(id, name, st, r.kindFlag(), Collections.unmodifiableList(values));
        }
      case ENUM64:
        {
          List<BtfType.EnumValue> values = new ArrayList<>(r.vlen());
          for (int i = 0; i < r.vlen(); i++) {
            long value = Integer.toUnsignedLong(d[3 * i + 1]) | ((long) d[3 * i + 2] << 32);
            values.add(new BtfType.EnumValue(btf.string(d[3 * i]), value));
          }
          return new BtfType.Enum64(
              id, name, st, r.kindFlag(), Collections.unmodifiableList(values));
        }
      case FWD:
        return new BtfType.Fwd(id, name, r.kindFlag());
      case TYPEDEF:
        return new BtfType.Typedef(id, name, st);
      case VOLATILE:
        return new BtfType.Volatile(id, name, st);
      case CONST:
        return new BtfType.Const(id, name, st);
      case RESTRICT:
        return new BtfType.Restrict(id, name, st);
      case FUNC:
        return new BtfType.Func(id, name, st, r.vlen());
      case FUNC_PROTO:
        {
          List<BtfType.Param> params = new ArrayList<>(r.vlen());
          for (int i = 0; i < r.vlen(); i++) {
            params.add(new BtfType.Param(btf.string(d[2 * i]), d[2 * i + 1]));
          }
          return new BtfType.FuncProto(id, name, st, Collections.unmodifiableList(params));
        }
      case VAR:
        return new BtfType.Var(id, name, st, d[0]);
      case DATASEC:
        {
          List<BtfType.VarSecinfo> vars = new ArrayList<>(r.vlen());
          for (int i = 0; i < r.vlen(); i++) {
            vars.add(new BtfType.VarSecinfo(d[3 * i], d[3 * i + 1], d[3 * i + 2]));
          }
          return new BtfType.Datasec(id, name, st, Collections.unmodifiableList(vars));
        }
      case FLOAT:
        return new BtfType.Float(id, name, st);
      case DECL_TAG:
        return new BtfType.DeclTag(id, name, st, d[0], r.kindFlag());
      case TYPE_TAG:
        return new BtfType.TypeTag(id, name, st, r.kindFlag());
      default:
        return new BtfType.Unknown(id, name, r.kindNumber());
    }
  }

  /**
   * Struct/union members. With kind_flag the offset word is {@code bitfield_size << 24 |
   * bit_offset} (BTF_MEMBER_BITFIELD_SIZE / BTF_MEMBER_BIT_OFFSET); without, it is the bit offset.
   */
  private static List<BtfType.Member> members(Btf btf, RawType r) {
    int[] d = r.data();
    List<BtfType.Member> members = new ArrayList<>(r.vlen());
    for (int i = 0; i < r.vlen(); i++) {
      int off = d[3 * i + 2];
      int bitOffset = r.kindFlag() ? off & 0xffffff : off;
      int bitfieldSize = r.kindFlag() ? off >>> 24 : 0;
      members.add(new BtfType.Member(btf.string(d[3 * i]), d[3 * i + 1], bitOffset, bitfieldSize));
    }
    return Collections.unmodifiableList(members);
  }
}
