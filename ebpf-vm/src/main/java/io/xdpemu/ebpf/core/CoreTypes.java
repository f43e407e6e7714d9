package io.xdpemu.ebpf.core;

import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfKind;
import io.xdpemu.ebpf.btf.RawType;

/**
 * Type relations of CO-RE, on raw BTF records exactly as libbpf evaluates them: essential names
 * (libbpf.c bpf_core_essential_name_len), kind compatibility (btf_kind_core_compat), type
 * compatibility for type-based relocations (relo_core.c __bpf_core_types_are_compat), field
 * compatibility (bpf_core_fields_are_compat) and the stricter TYPE_MATCHES relation
 * (__bpf_core_types_match).
 */
final class CoreTypes {
  private CoreTypes() {}

  static final int INT_SIGNED = 1;
  private static final int MAX_DEPTH = 32;

  /** -EINVAL of libbpf, carried as an exception inside the relocator. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String what) {
      super(what, null, false, false);
    }
  }

  /**
   * Length of the name before the last {@code ___} flavor separator: the separator is {@code X___Y}
   * with X and Y not '_' (libbpf bpf_core_is_flavor_sep), searched from the end.
   */
  static int essentialNameLength(String name) {
    int n = name.length();
    for (int i = n - 5; i >= 0; i--) {
      if (name.charAt(i) != '_'
          && name.charAt(i + 1) == '_'
          && name.charAt(i + 2) == '_'
          && name.charAt(i + 3) == '_'
          && name.charAt(i + 4) != '_') {
        return i + 1;
      }
    }
    return n;
  }

  static String essentialName(String name) {
    return name.substring(0, essentialNameLength(name));
  }

  static BtfKind kind(Btf btf, int id) {
    return btf.kind(id);
  }

  static boolean isAnyEnum(BtfKind k) {
    return k == BtfKind.ENUM || k == BtfKind.ENUM64;
  }

  static boolean isComposite(BtfKind k) {
    return k == BtfKind.STRUCT || k == BtfKind.UNION;
  }

  /** btf_kind_core_compat: same kind, or enum vs enum64. */
  static boolean kindCompat(BtfKind a, BtfKind b) {
    return a == b || (isAnyEnum(a) && isAnyEnum(b));
  }

  /** libbpf's btf_kind_str (lowercase), used in formatted specs. */
  static String kindString(Btf btf, int id) {
    if (id == 0) {
      return "void";
    }
    BtfKind k = btf.kind(id);
    return k == BtfKind.UNKN ? "unknown" : k.name().toLowerCase(java.util.Locale.ROOT);
  }

  static RawType raw(Btf btf, int id) throws Invalid {
    if (id <= 0 || id >= btf.typeCount()) {
      throw new Invalid("type id " + id + " out of range");
    }
    return btf.raw(id);
  }

  /** skip_mods_and_typedefs; returns the id (0 = void). */
  static int skip(Btf btf, int id) throws Invalid {
    if (id < 0 || id >= btf.typeCount()) {
      throw new Invalid("type id " + id + " out of range");
    }
    try {
      return btf.resolve(id);
    } catch (RuntimeException e) {
      throw new Invalid(e.getMessage());
    }
  }

  /** btf__resolve_size; throws Invalid where libbpf returns an error (void, func, fwd...). */
  static long size(Btf btf, int id) throws Invalid {
    try {
      return btf.sizeOf(id);
    } catch (RuntimeException e) {
      throw new Invalid("size of [" + id + "]: " + e.getMessage());
    }
  }

  static int intEncoding(RawType r) {
    return (r.data()[0] >>> 24) & 0x0f;
  }

  static int intOffset(RawType r) {
    return (r.data()[0] >>> 16) & 0xff;
  }

  static String name(Btf btf, RawType r) {
    return btf.string(r.nameOff());
  }

  /** Enumerators of an ENUM or ENUM64 record. */
  record EnumView(Btf btf, RawType r) {
    boolean is64() {
      return r.kind() == BtfKind.ENUM64;
    }

    int count() {
      return r.vlen();
    }

    int nameOff(int i) {
      return r.data()[(is64() ? 3 : 2) * i];
    }

    String name(int i) {
      return btf.string(nameOff(i));
    }

    boolean signed() {
      return r.kindFlag();
    }

    /** The value as libbpf stores it into a __u64: s32 sign-extended, or the enum64 value. */
    long value(int i) {
      if (is64()) {
        return (r.data()[3 * i + 1] & 0xffffffffL) | ((long) r.data()[3 * i + 2] << 32);
      }
      return r.data()[2 * i + 1];
    }

    /** The value as bpf_core_format_spec prints it (%d / %u for enum, %lld / %llu for enum64). */
    long printValue(int i) {
      if (is64() || signed()) {
        return value(i);
      }
      return r.data()[2 * i + 1] & 0xffffffffL;
    }
  }

  static EnumView enumView(Btf btf, int id) {
    return new EnumView(btf, btf.raw(id));
  }

  /** __bpf_core_types_are_compat (type-based relocations). */
  static int typesAreCompat(Btf lb, int lid, Btf tb, int tid, int level) throws Invalid {
    if (!kindCompat(lb.kind(lid), tb.kind(tid))) {
      return 0;
    }
    for (int depth = MAX_DEPTH; ; ) {
      if (--depth < 0) {
        throw new Invalid("types too deep");
      }
      lid = skip(lb, lid);
      tid = skip(tb, tid);
      BtfKind lk = lid == 0 ? BtfKind.UNKN : lb.kind(lid);
      BtfKind tk = tid == 0 ? BtfKind.UNKN : tb.kind(tid);
      if (!kindCompat(lk, tk)) {
        return 0;
      }
      switch (lk) {
        case UNKN:
        case STRUCT:
        case UNION:
        case ENUM:
        case FWD:
        case ENUM64:
          return 1;
        case INT:
          return intOffset(raw(lb, lid)) == 0 && intOffset(raw(tb, tid)) == 0 ? 1 : 0;
        case PTR:
          lid = raw(lb, lid).sizeOrType();
          tid = raw(tb, tid).sizeOrType();
          continue;
        case ARRAY:
          lid = raw(lb, lid).data()[0];
          tid = raw(tb, tid).data()[0];
          continue;
        case FUNC_PROTO:
          {
            RawType lr = raw(lb, lid);
            RawType tr = raw(tb, tid);
            if (lr.vlen() != tr.vlen()) {
              return 0;
            }
            for (int i = 0; i < lr.vlen(); i++) {
              if (level <= 0) {
                throw new Invalid("func proto nesting too deep");
              }
              int err =
                  typesAreCompat(
                      lb,
                      skip(lb, lr.data()[2 * i + 1]),
                      tb,
                      skip(tb, tr.data()[2 * i + 1]),
                      level - 1);
              if (err <= 0) {
                return err;
              }
            }
            lid = skip(lb, lr.sizeOrType());
            tid = skip(tb, tr.sizeOrType());
            continue;
          }
        default:
          return 0;
      }
    }
  }

  /** bpf_core_fields_are_compat (field-based relocations). */
  static int fieldsAreCompat(Btf lb, int lid, Btf tb, int tid) throws Invalid {
    // libbpf relies on validated BTF here; a depth limit keeps a cyclic array chain finite
    for (int depth = MAX_DEPTH; ; ) {
      if (--depth < 0) {
        throw new Invalid("array nesting too deep");
      }
      lid = skip(lb, lid);
      tid = skip(tb, tid);
      if (lid == 0 || tid == 0) {
        return 0; // void (kind UNKN) is compatible with nothing here, as libbpf's default case
      }
      BtfKind lk = lb.kind(lid);
      BtfKind tk = tb.kind(tid);
      if (isComposite(lk) && isComposite(tk)) {
        return 1;
      }
      if (!kindCompat(lk, tk)) {
        return 0;
      }
      switch (lk) {
        case PTR:
        case FLOAT:
          return 1;
        case FWD:
        case ENUM64:
        case ENUM:
          {
            String ln = name(lb, raw(lb, lid));
            String tn = name(tb, raw(tb, tid));
            int ll = essentialNameLength(ln);
            int tl = essentialNameLength(tn);
            return ll == 0 || tl == 0 || (ll == tl && ln.regionMatches(0, tn, 0, ll)) ? 1 : 0;
          }
        case INT:
          return intOffset(raw(lb, lid)) == 0 && intOffset(raw(tb, tid)) == 0 ? 1 : 0;
        case ARRAY:
          lid = raw(lb, lid).data()[0];
          tid = raw(tb, tid).data()[0];
          continue;
        default:
          return 0;
      }
    }
  }

  /** bpf_core_names_match: flavor-insensitive; an anonymous target matches only anonymous. */
  static boolean namesMatch(Btf lb, int lnameOff, Btf tb, int tnameOff) {
    String ln = lb.string(lnameOff);
    String tn = tb.string(tnameOff);
    if (tn.isEmpty()) {
      return ln.isEmpty();
    }
    int tl = essentialNameLength(tn);
    int ll = essentialNameLength(ln);
    return tl == ll && ln.regionMatches(0, tn, 0, ll);
  }

  /** bpf_core_types_match: the TYPE_MATCHES relation. */
  static int typesMatch(Btf lb, int lid, Btf tb, int tid) throws Invalid {
    return typesMatch(lb, lid, tb, tid, false, MAX_DEPTH);
  }

  private static int typesMatch(Btf lb, int lid, Btf tb, int tid, boolean behindPtr, int level)
      throws Invalid {
    if (level <= 0) {
      throw new Invalid("types too deep");
    }
    for (int depth = MAX_DEPTH; ; ) {
      if (--depth < 0) {
        throw new Invalid("types too deep");
      }
      lid = skip(lb, lid);
      tid = skip(tb, tid);
      int lnOff = lid == 0 ? 0 : lb.raw(lid).nameOff();
      int tnOff = tid == 0 ? 0 : tb.raw(tid).nameOff();
      if (!namesMatch(lb, lnOff, tb, tnOff)) {
        return 0;
      }
      BtfKind lk = lid == 0 ? BtfKind.UNKN : lb.kind(lid);
      BtfKind tk = tid == 0 ? BtfKind.UNKN : tb.kind(tid);
      switch (lk) {
        case UNKN:
          return lk == tk ? 1 : 0;
        case FWD:
          {
            boolean lf = lb.raw(lid).kindFlag();
            if (behindPtr) {
              if (lk == tk) {
                return lf == tb.raw(tid).kindFlag() ? 1 : 0;
              }
              return (tk == BtfKind.STRUCT && !lf) || (tk == BtfKind.UNION && lf) ? 1 : 0;
            }
            if (lk != tk) {
              return 0;
            }
            return lf == tb.raw(tid).kindFlag() ? 1 : 0;
          }
        case ENUM:
        case ENUM64:
          if (!isAnyEnum(tk)) {
            return 0;
          }
          return enumsMatch(lb, lid, tb, tid);
        case STRUCT:
        case UNION:
          if (behindPtr) {
            if (lk == tk) {
              return 1;
            }
            if (tk != BtfKind.FWD) {
              return 0;
            }
            return (lk == BtfKind.UNION) == tb.raw(tid).kindFlag() ? 1 : 0;
          }
          if (lk != tk) {
            return 0;
          }
          return compositesMatch(lb, lid, tb, tid, behindPtr, level);
        case INT:
          {
            if (lk != tk) {
              return 0;
            }
            RawType lr = lb.raw(lid);
            RawType tr = tb.raw(tid);
            return lr.sizeOrType() == tr.sizeOrType()
                    && (intEncoding(lr) & INT_SIGNED) == (intEncoding(tr) & INT_SIGNED)
                ? 1
                : 0;
          }
        case PTR:
          if (lk != tk) {
            return 0;
          }
          behindPtr = true;
          lid = lb.raw(lid).sizeOrType();
          tid = tb.raw(tid).sizeOrType();
          continue;
        case ARRAY:
          {
            if (lk != tk) {
              return 0;
            }
            RawType lr = lb.raw(lid);
            RawType tr = tb.raw(tid);
            if (lr.data()[2] != tr.data()[2]) {
              return 0;
            }
            lid = lr.data()[0];
            tid = tr.data()[0];
            continue;
          }
        case FUNC_PROTO:
          {
            if (lk != tk) {
              return 0;
            }
            RawType lr = lb.raw(lid);
            RawType tr = tb.raw(tid);
            if (lr.vlen() != tr.vlen()) {
              return 0;
            }
            for (int i = 0; i < lr.vlen(); i++) {
              int err =
                  typesMatch(
                      lb, lr.data()[2 * i + 1], tb, tr.data()[2 * i + 1], behindPtr, level - 1);
              if (err <= 0) {
                return err;
              }
            }
            lid = lr.sizeOrType();
            tid = tr.sizeOrType();
            continue;
          }
        default:
          return 0;
      }
    }
  }

  private static int enumsMatch(Btf lb, int lid, Btf tb, int tid) {
    EnumView l = enumView(lb, lid);
    EnumView t = enumView(tb, tid);
    if (l.r().sizeOrType() != t.r().sizeOrType() || l.count() > t.count()) {
      return 0;
    }
    for (int i = 0; i < l.count(); i++) {
      boolean matched = false;
      for (int j = 0; j < t.count() && !matched; j++) {
        matched = namesMatch(lb, l.nameOff(i), tb, t.nameOff(j));
      }
      if (!matched) {
        return 0;
      }
    }
    return 1;
  }

  private static int compositesMatch(Btf lb, int lid, Btf tb, int tid, boolean behindPtr, int level)
      throws Invalid {
    RawType lr = lb.raw(lid);
    RawType tr = tb.raw(tid);
    if (lr.vlen() > tr.vlen()) {
      return 0;
    }
    for (int i = 0; i < lr.vlen(); i++) {
      boolean matched = false;
      for (int j = 0; j < tr.vlen(); j++) {
        if (!namesMatch(lb, lr.data()[3 * i], tb, tr.data()[3 * j])) {
          continue;
        }
        int err =
            typesMatch(lb, lr.data()[3 * i + 1], tb, tr.data()[3 * j + 1], behindPtr, level - 1);
        if (err < 0) {
          return err;
        }
        if (err > 0) {
          matched = true;
          break;
        }
      }
      if (!matched) {
        return 0;
      }
    }
    return 1;
  }
}
