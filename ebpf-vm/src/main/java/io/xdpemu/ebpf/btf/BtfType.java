package io.xdpemu.ebpf.btf;

import java.util.List;

/**
 * The decoded, public view of one BTF type. Types refer to each other by id (an {@code int}), never
 * by object reference, because BTF graphs are cyclic ({@code struct list_head} points to itself);
 * ask the owning {@link Btf} for {@code type(id)}. Anonymous types have the name "".
 *
 * <p>Kind-flag semantics are decoded here: member bit offsets and bitfield sizes (kflag=1 packs
 * {@code bitfield_size << 24 | bit_offset}), FWD struct/union, enum signedness, tag attributes.
 */
public sealed interface BtfType
    permits BtfType.Void,
        BtfType.Int,
        BtfType.Ptr,
        BtfType.Array,
        BtfType.Composite,
        BtfType.Enumeration,
        BtfType.Fwd,
        BtfType.Typedef,
        BtfType.Volatile,
        BtfType.Const,
        BtfType.Restrict,
        BtfType.Func,
        BtfType.FuncProto,
        BtfType.Var,
        BtfType.Datasec,
        BtfType.Float,
        BtfType.DeclTag,
        BtfType.TypeTag,
        BtfType.Unknown {

  int id();

  String name();

  BtfKind kind();

  /** The referenced type id for PTR/TYPEDEF/modifiers/FUNC/VAR/DECL_TAG/TYPE_TAG; else -1. */
  default int ref() {
    return -1;
  }

  /** Type id 0: void. */
  record Void(int id) implements BtfType {
    @Override
    public String name() {
      return "";
    }

    @Override
    public BtfKind kind() {
      return BtfKind.UNKN;
    }
  }

  /** Integer encodings (BTF_INT_SIGNED, BTF_INT_CHAR, BTF_INT_BOOL). */
  int INT_SIGNED = 1;

  int INT_CHAR = 2;
  int INT_BOOL = 4;

  /**
   * INT: {@code size} bytes; the kind word holds encoding (bits 24-27), bit offset (16-23, must be
   * 0 for CO-RE) and bit count (0-7).
   */
  record Int(int id, String name, int size, int encoding, int bitOffset, int bits)
      implements BtfType {
    @Override
    public BtfKind kind() {
      return BtfKind.INT;
    }

    public boolean signed() {
      return (encoding & INT_SIGNED) != 0;
    }

    public boolean isChar() {
      return (encoding & INT_CHAR) != 0;
    }

    public boolean isBool() {
      return (encoding & INT_BOOL) != 0;
    }
  }

  record Ptr(int id, String name, int type) implements BtfType {
    @Override
    public BtfKind kind() {
      return BtfKind.PTR;
    }

    @Override
    public int ref() {
      return type;
    }
  }

  record Array(int id, String name, int elemType, int indexType, int nelems) implements BtfType {
    @Override
    public BtfKind kind() {
      return BtfKind.ARRAY;
    }
  }

  /** A struct or union member; {@code bitfieldSize} is 0 for a plain member. */
  record Member(String name, int type, int bitOffset, int bitfieldSize) {
    public boolean isBitfield() {
      return bitfieldSize != 0;
    }

    /** Byte offset of a byte-aligned member (bit offset / 8). */
    public int byteOffset() {
      return bitOffset / 8;
    }
  }

  /** STRUCT and UNION share their shape. */
  sealed interface Composite extends BtfType permits Struct, Union {
    int size();

    List<Member> members();

    /** kind_flag: members' offsets carry bitfield sizes. */
    boolean kindFlag();
  }

  record Struct(int id, String name, int size, boolean kindFlag, List<Member> members)
      implements Composite {
    @Override
    public BtfKind kind() {
      return BtfKind.STRUCT;
    }
  }

  record Union(int id, String name, int size, boolean kindFlag, List<Member> members)
      implements Composite {
    @Override
    public BtfKind kind() {
      return BtfKind.UNION;
    }
  }

  /** An enumerator; ENUM values are 32-bit (sign- or zero-extended by the enum's signedness). */
  record EnumValue(String name, long value) {}

  /** ENUM and ENUM64 share their shape; kind_flag = signed. */
  sealed interface Enumeration extends BtfType permits Enum, Enum64 {
    int size();

    boolean signed();

    List<EnumValue> values();
  }

  record Enum(int id, String name, int size, boolean signed, List<EnumValue> values)
      implements Enumeration {
    @Override
    public BtfKind kind() {
      return BtfKind.ENUM;
    }
  }

  record Enum64(int id, String name, int size, boolean signed, List<EnumValue> values)
      implements Enumeration {
    @Override
    public BtfKind kind() {
      return BtfKind.ENUM64;
    }
  }

  /** Forward declaration; kind_flag 1 = union, 0 = struct. */
  record Fwd(int id, String name, boolean union) implements BtfType {
    @Override
    public BtfKind kind() {
      return BtfKind.FWD;
    }
  }

  record Typedef(int id, String name, int type) implements BtfType {
    @Override
    public BtfKind kind() {
      return BtfKind.TYPEDEF;
    }

    @Override
    public int ref() {
      return type;
    }
  }

  record Volatile(int id, String name, int type) implements BtfType {
    @Override
    public BtfKind kind() {
      return BtfKind.VOLATILE;
    }

    @Override
    public int ref() {
      return type;
    }
  }

  record Const(int id, String name, int type) implements BtfType {
    @Override
    public BtfKind kind() {
      return BtfKind.CONST;
    }

    @Override
    public int ref() {
      return type;
    }
  }

  record Restrict(int id, String name, int type) implements BtfType {
    @Override
    public BtfKind kind() {
      return BtfKind.RESTRICT;
    }

    @Override
    public int ref() {
      return type;
    }
  }

  /** Function linkage stored in FUNC's vlen (BTF_FUNC_STATIC/GLOBAL/EXTERN). */
  int FUNC_STATIC = 0;

  int FUNC_GLOBAL = 1;
  int FUNC_EXTERN = 2;

  /** FUNC: a named function whose {@code type} is a FUNC_PROTO; vlen holds the linkage. */
  record Func(int id, String name, int type, int linkage) implements BtfType {
    @Override
    public BtfKind kind() {
      return BtfKind.FUNC;
    }

    @Override
    public int ref() {
      return type;
    }
  }

  /** A FUNC_PROTO parameter; a last parameter with name "" and type 0 means "...". */
  record Param(String name, int type) {}

  record FuncProto(int id, String name, int returnType, List<Param> params) implements BtfType {
    @Override
    public BtfKind kind() {
      return BtfKind.FUNC_PROTO;
    }

    public boolean variadic() {
      return !params.isEmpty() && params.get(params.size() - 1).type() == 0;
    }
  }

  /** Variable linkage (BTF_VAR_STATIC, BTF_VAR_GLOBAL_ALLOCATED, BTF_VAR_GLOBAL_EXTERN). */
  int VAR_STATIC = 0;

  int VAR_GLOBAL_ALLOCATED = 1;
  int VAR_GLOBAL_EXTERN = 2;

  record Var(int id, String name, int type, int linkage) implements BtfType {
    @Override
    public BtfKind kind() {
      return BtfKind.VAR;
    }

    @Override
    public int ref() {
      return type;
    }
  }

  /** One DATASEC entry: a VAR (or FUNC for externs) at {@code offset} within the section. */
  record VarSecinfo(int type, int offset, int size) {}

  record Datasec(int id, String name, int size, List<VarSecinfo> vars) implements BtfType {
    @Override
    public BtfKind kind() {
      return BtfKind.DATASEC;
    }
  }

  record Float(int id, String name, int size) implements BtfType {
    @Override
    public BtfKind kind() {
      return BtfKind.FLOAT;
    }
  }

  /**
   * DECL_TAG on {@code type}; {@code componentIdx} -1 tags the declaration itself, otherwise the
   * member/parameter index. kind_flag = emitted as {@code __attribute__} rather than btf_decl_tag.
   */
  record DeclTag(int id, String name, int type, int componentIdx, boolean attribute)
      implements BtfType {
    @Override
    public BtfKind kind() {
      return BtfKind.DECL_TAG;
    }

    @Override
    public int ref() {
      return type;
    }
  }

  record TypeTag(int id, String name, int type, boolean attribute) implements BtfType {
    @Override
    public BtfKind kind() {
      return BtfKind.TYPE_TAG;
    }

    @Override
    public int ref() {
      return type;
    }
  }

  /** A kind newer than this reader, skipped thanks to the header's layout section. */
  record Unknown(int id, String name, int kindNumber) implements BtfType {
    @Override
    public BtfKind kind() {
      return BtfKind.UNKN;
    }
  }
}
