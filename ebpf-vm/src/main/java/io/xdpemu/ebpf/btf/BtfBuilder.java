package io.xdpemu.ebpf.btf;

import io.xdpemu.ebpf.MalformedInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds BTF programmatically, standalone or split on a base (what the NIC model uses to export its
 * metadata layout like a driver's module BTF). Modelled on libbpf's writer API: {@code addStruct}
 * then {@code addField} for each member (applies to the last struct/union added), the same for
 * enums ({@code addEnumValue}), function prototypes ({@code addParam}) and data sections ({@code
 * addVarSecinfo}). Ids are handed out in order, so a type may refer to an id that will be added
 * later ({@link #nextId()}), which is how cycles are built. Strings are deduplicated, and for split
 * BTF taken from the base when it has them.
 *
 * <pre>{@code
 * BtfBuilder b = BtfBuilder.splitOn(vmlinux);
 * int u32 = vmlinux.find("__u32", BtfKind.TYPEDEF);
 * int s = b.addStruct("mynic_metadata", 8);
 * b.addField("hash", u32, 0, 0);
 * b.addField("ptype", u32, 32, 4);   // a 4-bit bitfield sets kind_flag
 * byte[] split = b.toBytes();
 * }</pre>
 */
public final class BtfBuilder {
  private final Btf base;
  private final int firstId;
  private final StringSectionBuilder strings;
  private final List<Pending> types = new ArrayList<>();

  /** A record under construction; its kind data grows as fields/values/params are added. */
  private static final class Pending {
    int nameOff;
    int kind;
    int vlen;
    boolean kindFlag;
    int sizeOrType;
    int[] data;
    int used;

    Pending(int nameOff, int kind, boolean kindFlag, int sizeOrType, int... data) {
      this.nameOff = nameOff;
      this.kind = kind;
      this.kindFlag = kindFlag;
      this.sizeOrType = sizeOrType;
      this.data = data;
      this.used = data.length;
    }

    void append(int... words) {
      if (used + words.length > data.length) {
        data = Arrays.copyOf(data, Math.max(8, 2 * (used + words.length)));
      }
      System.arraycopy(words, 0, data, used, words.length);
      used += words.length;
      vlen++;
    }

    RawType toRaw() {
      return new RawType(
          nameOff, RawType.info(kind, vlen, kindFlag), sizeOrType, Arrays.copyOf(data, used));
    }
  }

  private BtfBuilder(Btf base) {
    this.base = base;
    this.firstId = base == null ? 1 : base.typeCount();
    this.strings = new StringSectionBuilder(base);
  }

  public static BtfBuilder standalone() {
    return new BtfBuilder(null);
  }

  /** Split BTF on {@code base}: ids start at {@code base.typeCount()}. */
  public static BtfBuilder splitOn(Btf base) {
    return new BtfBuilder(base);
  }

  public Btf base() {
    return base;
  }

  /** The id the next added type will get. */
  public int nextId() {
    return firstId + types.size();
  }

  private int add(Pending p) {
    types.add(p);
    return firstId + types.size() - 1;
  }

  private int name(String name) {
    return strings.add(name == null ? "" : name);
  }

  private Pending last(BtfKind... kinds) {
    if (!types.isEmpty()) {
      Pending p = types.get(types.size() - 1);
      for (BtfKind k : kinds) {
        if (p.kind == k.number()) {
          return p;
        }
      }
    }
    throw new IllegalStateException("the last added type is not a " + Arrays.toString(kinds));
  }

  /** INT of {@code size} bytes using all its bits; {@code encoding} is BtfType.INT_SIGNED etc. */
  public int addInt(String name, int size, int encoding) {
    return add(new Pending(name(name), 1, false, size, (encoding << 24) | (size * 8)));
  }

  public int addPtr(int type) {
    return add(new Pending(0, BtfKind.PTR.number(), false, type));
  }

  public int addArray(int elemType, int indexType, int nelems) {
    return add(new Pending(0, BtfKind.ARRAY.number(), false, 0, elemType, indexType, nelems));
  }

  public int addStruct(String name, int size) {
    return add(new Pending(name(name), BtfKind.STRUCT.number(), false, size));
  }

  public int addUnion(String name, int size) {
    return add(new Pending(name(name), BtfKind.UNION.number(), false, size));
  }

  /**
   * Adds a member to the last struct/union. A non-zero {@code bitfieldSize} switches the composite
   * to kind_flag encoding ({@code bitfield_size << 24 | bit_offset}), as {@code btf__add_field}.
   */
  public void addField(String name, int type, int bitOffset, int bitfieldSize) {
    Pending p = last(BtfKind.STRUCT, BtfKind.UNION);
    if (bitfieldSize < 0 || bitfieldSize > 255 || (bitfieldSize != 0 && bitOffset > 0xffffff)) {
      throw new IllegalArgumentException("bad bitfield " + name + ": " + bitfieldSize);
    }
    if (bitfieldSize != 0) {
      p.kindFlag = true;
    }
    p.append(name(name), type, (bitfieldSize << 24) | bitOffset);
  }

  /** A struct with all its members at once. */
  public int addStruct(String name, int size, List<BtfType.Member> members) {
    int id = addStruct(name, size);
    members.forEach(m -> addField(m.name(), m.type(), m.bitOffset(), m.bitfieldSize()));
    return id;
  }

  public int addUnion(String name, int size, List<BtfType.Member> members) {
    int id = addUnion(name, size);
    members.forEach(m -> addField(m.name(), m.type(), m.bitOffset(), m.bitfieldSize()));
    return id;
  }

  public int addEnum(String name, int size, boolean signed) {
    return add(new Pending(name(name), BtfKind.ENUM.number(), signed, size));
  }

  public int addEnum64(String name, int size, boolean signed) {
    return add(new Pending(name(name), BtfKind.ENUM64.number(), signed, size));
  }

  /** Adds an enumerator to the last ENUM (32-bit value) or ENUM64. */
  public void addEnumValue(String name, long value) {
    Pending p = last(BtfKind.ENUM, BtfKind.ENUM64);
    if (p.kind == BtfKind.ENUM.number()) {
      if (value < Integer.MIN_VALUE || value > 0xffffffffL) {
        throw new IllegalArgumentException("enumerator " + name + " does not fit 32 bits");
      }
      p.append(name(name), (int) value);
    } else {
      p.append(name(name), (int) value, (int) (value >>> 32));
    }
  }

  public int addFwd(String name, boolean union) {
    return add(new Pending(name(name), BtfKind.FWD.number(), union, 0));
  }

  public int addTypedef(String name, int type) {
    return add(new Pending(name(name), BtfKind.TYPEDEF.number(), false, type));
  }

  public int addVolatile(int type) {
    return add(new Pending(0, BtfKind.VOLATILE.number(), false, type));
  }

  public int addConst(int type) {
    return add(new Pending(0, BtfKind.CONST.number(), false, type));
  }

  public int addRestrict(int type) {
    return add(new Pending(0, BtfKind.RESTRICT.number(), false, type));
  }

  public int addTypeTag(String value, int type) {
    return add(new Pending(name(value), BtfKind.TYPE_TAG.number(), false, type));
  }

  /** FUNC with linkage (BtfType.FUNC_STATIC/GLOBAL/EXTERN) stored in vlen. */
  public int addFunc(String name, int protoType, int linkage) {
    Pending p = new Pending(name(name), BtfKind.FUNC.number(), false, protoType);
    p.vlen = linkage;
    return add(p);
  }

  public int addFuncProto(int returnType) {
    return add(new Pending(0, BtfKind.FUNC_PROTO.number(), false, returnType));
  }

  /** Adds a parameter to the last FUNC_PROTO; name "" and type 0 make it variadic. */
  public void addParam(String name, int type) {
    last(BtfKind.FUNC_PROTO).append(name(name), type);
  }

  public int addVar(String name, int type, int linkage) {
    return add(new Pending(name(name), BtfKind.VAR.number(), false, type, linkage));
  }

  public int addDatasec(String name, int size) {
    return add(new Pending(name(name), BtfKind.DATASEC.number(), false, size));
  }

  public void addVarSecinfo(int type, int offset, int size) {
    last(BtfKind.DATASEC).append(type, offset, size);
  }

  public int addFloat(String name, int size) {
    return add(new Pending(name(name), BtfKind.FLOAT.number(), false, size));
  }

  public int addDeclTag(String value, int type, int componentIdx) {
    return add(new Pending(name(value), BtfKind.DECL_TAG.number(), false, type, componentIdx));
  }

  /**
   * Copies a type record from {@code src} unchanged except for its strings, which are re-added
   * here; type ids inside are kept (for copying split types whose ids already continue the base).
   */
  public int addCopy(Btf src, int id) {
    return addCopy(src, id, x -> x);
  }

  /**
   * Copies a type record from {@code src}, re-adding its strings here and mapping every type id it
   * refers to through {@code remap} (for extracting a subset of a BTF with new ids).
   */
  public int addCopy(Btf src, int id, java.util.function.IntUnaryOperator remap) {
    RawType r = src.raw(id);
    int[] d = r.data().clone();
    BtfKind k = r.kind();
    if (k == null) {
      throw new IllegalArgumentException("cannot copy type [" + id + "] of unknown kind");
    }
    int sizeOrType = r.sizeOrType();
    switch (k) {
      case STRUCT:
      case UNION:
        for (int i = 0; i < r.vlen(); i++) {
          d[3 * i] = name(src.string(d[3 * i]));
          d[3 * i + 1] = remap.applyAsInt(d[3 * i + 1]);
        }
        break;
      case ENUM64:
        for (int i = 0; i < r.vlen(); i++) {
          d[3 * i] = name(src.string(d[3 * i]));
        }
        break;
      case ENUM:
        for (int i = 0; i < r.vlen(); i++) {
          d[2 * i] = name(src.string(d[2 * i]));
        }
        break;
      case FUNC_PROTO:
        sizeOrType = remap.applyAsInt(sizeOrType);
        for (int i = 0; i < r.vlen(); i++) {
          d[2 * i] = name(src.string(d[2 * i]));
          d[2 * i + 1] = remap.applyAsInt(d[2 * i + 1]);
        }
        break;
      case ARRAY:
        d[0] = remap.applyAsInt(d[0]);
        d[1] = remap.applyAsInt(d[1]);
        break;
      case DATASEC:
        for (int i = 0; i < r.vlen(); i++) {
          d[3 * i] = remap.applyAsInt(d[3 * i]);
        }
        break;
      default:
        if (k.hasTypeRef()) {
          sizeOrType = remap.applyAsInt(sizeOrType);
        }
    }
    Pending p =
        new Pending(name(src.string(r.nameOff())), r.kindNumber(), r.kindFlag(), sizeOrType, d);
    p.vlen = r.vlen();
    return add(p);
  }

  /** The finished BTF, validated (dangling ids and the like are a MalformedInputException). */
  public Btf build() {
    RawType[] raw = new RawType[types.size()];
    int typeLen = 0;
    for (int i = 0; i < raw.length; i++) {
      raw[i] = types.get(i).toRaw();
      typeLen += raw[i].byteSize();
    }
    byte[] str = strings.toByteArray();
    Btf btf =
        new Btf(base, BtfHeader.classic(typeLen, str.length), raw, str, new byte[0], "built BTF");
    new BtfValidator(
            btf,
            (off, what) ->
                new MalformedInputException(
                    "malformed built BTF: " + what + " (at byte offset " + off + ")"),
            BtfHeader.CLASSIC_LEN)
        .validate();
    return btf;
  }

  /** Raw bytes of {@link #build()}: only this builder's own types and strings when split. */
  public byte[] toBytes() {
    return build().toBytes();
  }
}
