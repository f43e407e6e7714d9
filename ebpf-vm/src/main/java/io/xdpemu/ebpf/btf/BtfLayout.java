package io.xdpemu.ebpf.btf;

import io.xdpemu.ebpf.MalformedInputException;

/** Sizes, alignments and member lookup over a {@link Btf}, mirroring libbpf's btf.c helpers. */
final class BtfLayout {
  private BtfLayout() {}

  /** libbpf MAX_RESOLVE_DEPTH: chains longer than this are treated as loops. */
  static final int MAX_RESOLVE_DEPTH = 32;

  static int skipModsAndTypedefs(Btf btf, int id) {
    for (int depth = 0; id != 0 && depth < MAX_RESOLVE_DEPTH; depth++) {
      switch (btf.kind(id)) {
        case TYPEDEF:
        case VOLATILE:
        case CONST:
        case RESTRICT:
        case TYPE_TAG:
          id = btf.raw(id).sizeOrType();
          break;
        default:
          return id;
      }
    }
    if (id == 0) {
      return 0;
    }
    throw loop(btf, id);
  }

  private static MalformedInputException loop(Btf btf, int id) {
    return new MalformedInputException(
        "malformed BTF " + btf.source() + ": type [" + id + "] reference chain too deep (loop?)");
  }

  /** {@code btf__resolve_size}: product of array dimensions times the element's size. */
  static long sizeOf(Btf btf, int id) {
    long nelems = 1;
    for (int depth = 0; depth < MAX_RESOLVE_DEPTH; depth++) {
      if (id == 0) {
        throw new IllegalArgumentException("void has no size");
      }
      RawType r = btf.raw(id);
      switch (btf.kind(id)) {
        case INT:
        case STRUCT:
        case UNION:
        case ENUM:
        case ENUM64:
        case DATASEC:
        case FLOAT:
          return nelems * Integer.toUnsignedLong(r.sizeOrType());
        case PTR:
          return nelems * btf.pointerSize();
        case TYPEDEF:
        case VOLATILE:
        case CONST:
        case RESTRICT:
        case VAR:
        case DECL_TAG:
        case TYPE_TAG:
          id = r.sizeOrType();
          break;
        case ARRAY:
          nelems *= Integer.toUnsignedLong(r.data()[2]);
          if (nelems > 0xffffffffL) {
            throw new IllegalArgumentException("array type [" + id + "] size overflows u32");
          }
          id = r.data()[0];
          break;
        default:
          throw new IllegalArgumentException(
              "type [" + id + "] " + btf.kind(id).label() + " has no size");
      }
    }
    throw loop(btf, id);
  }

  /** Nesting limit for composites inside composites (a struct containing itself is malformed). */
  static final int MAX_NESTING = 512;

  /** {@code btf__align_of}: packed composites (misaligned member or size) align to 1. */
  static int alignOf(Btf btf, int id) {
    return alignOf(btf, id, 0);
  }

  private static int alignOf(Btf btf, int id, int nesting) {
    if (nesting > MAX_NESTING) {
      throw loop(btf, id);
    }
    for (int depth = 0; depth < MAX_RESOLVE_DEPTH; depth++) {
      RawType r = btf.raw(id);
      switch (btf.kind(id)) {
        case INT:
        case ENUM:
        case ENUM64:
        case FLOAT:
          // min(ptr size, size) with size a __u32, as libbpf: a mutated size >= 2^31 is not
          // negative
          return (int) Math.min(btf.pointerSize(), Integer.toUnsignedLong(r.sizeOrType()));
        case PTR:
          return btf.pointerSize();
        case TYPEDEF:
        case VOLATILE:
        case CONST:
        case RESTRICT:
        case TYPE_TAG:
          id = r.sizeOrType();
          break;
        case ARRAY:
          id = r.data()[0];
          break;
        case STRUCT:
        case UNION:
          {
            BtfType.Composite c = (BtfType.Composite) btf.type(id);
            int maxAlign = 1;
            for (BtfType.Member m : c.members()) {
              int align = alignOf(btf, m.type(), nesting + 1);
              if (align <= 0) {
                // libbpf returns the member's error; a zero-sized int has no alignment either
                throw new IllegalArgumentException(
                    "member " + m.name() + " of type [" + id + "] has no alignment");
              }
              maxAlign = Math.max(maxAlign, align);
              // a misaligned non-bitfield member means the composite is packed
              if (m.bitfieldSize() == 0 && m.bitOffset() % (8L * align) != 0) {
                return 1;
              }
            }
            return Integer.remainderUnsigned(c.size(), maxAlign) != 0 ? 1 : maxAlign;
          }
        default:
          throw new IllegalArgumentException(
              "type [" + id + "] " + btf.kind(id).label() + " has no alignment");
      }
    }
    throw loop(btf, id);
  }

  /** The spellings of "long" libbpf's determine_ptr_size() recognises. */
  private static final java.util.Set<String> LONG_ALIASES =
      java.util.Set.of(
          "long",
          "long int",
          "int long",
          "unsigned long",
          "long unsigned",
          "unsigned long int",
          "unsigned int long",
          "long unsigned int",
          "long int unsigned",
          "int unsigned long",
          "int long unsigned");

  /**
   * libbpf determine_ptr_size(): the base's answer for split BTF, else the size of the first 4- or
   * 8-byte INT spelled like "long"; 8 (the host's sizeof(void *)) when there is none.
   */
  static int determinePointerSize(Btf btf) {
    if (btf.base() != null) {
      return btf.base().pointerSize();
    }
    for (int id = 1; id < btf.typeCount(); id++) {
      RawType r = btf.raw(id);
      if (r.kind() == BtfKind.INT
          && (r.sizeOrType() == 4 || r.sizeOrType() == 8)
          && LONG_ALIASES.contains(btf.string(r.nameOff()))) {
        return r.sizeOrType();
      }
    }
    return 8;
  }

  static Btf.MemberPath findMember(Btf btf, int compositeId, String name, long baseBits) {
    return findMember(btf, compositeId, name, baseBits, 0);
  }

  private static Btf.MemberPath findMember(
      Btf btf, int compositeId, String name, long baseBits, int nesting) {
    if (nesting > MAX_NESTING) {
      throw loop(btf, compositeId);
    }
    if (!(btf.type(compositeId) instanceof BtfType.Composite c)) {
      return null;
    }
    for (BtfType.Member m : c.members()) {
      if (m.name().equals(name)) {
        return new Btf.MemberPath(m, baseBits + m.bitOffset());
      }
      if (m.name().isEmpty()) {
        int inner = skipModsAndTypedefs(btf, m.type());
        Btf.MemberPath found = findMember(btf, inner, name, baseBits + m.bitOffset(), nesting + 1);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }
}
