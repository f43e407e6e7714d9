package io.xdpemu.ebpf.core;

import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfKind;
import io.xdpemu.ebpf.btf.RawType;

/**
 * Building and matching specs: relo_core.c bpf_core_parse_spec (access string -&gt; local spec),
 * bpf_core_spec_match and bpf_core_match_member (local spec -&gt; target spec for one candidate).
 */
final class CoreSpecs {
  private CoreSpecs() {}

  static int memberBitOffset(RawType composite, int i) {
    int off = composite.data()[3 * i + 2];
    return composite.kindFlag() ? off & 0xffffff : off;
  }

  static int memberBitfieldSize(RawType composite, int i) {
    return composite.kindFlag() ? composite.data()[3 * i + 2] >>> 24 : 0;
  }

  static int memberType(RawType composite, int i) {
    return composite.data()[3 * i + 1];
  }

  static int memberNameOff(RawType composite, int i) {
    return composite.data()[3 * i];
  }

  /** is_flex_arr: a zero-length array that is the last member of the enclosing struct. */
  private static boolean isFlexArray(Btf btf, CoreAccessor prev, RawType array) {
    if (prev == null || prev.name() == null || array.data()[2] > 0) {
      return false;
    }
    return prev.idx() == btf.raw(prev.typeId()).vlen() - 1;
  }

  /** bpf_core_parse_spec. */
  static CoreSpec parse(Btf btf, int typeId, String access, CoreKind kind)
      throws CoreTypes.Invalid {
    if (access.isEmpty() || access.charAt(0) == ':') {
      throw new CoreTypes.Invalid("empty access string");
    }
    CoreSpec spec = new CoreSpec(btf, typeId, kind);
    if (kind.isTypeBased()) {
      if (!access.equals("0")) {
        throw new CoreTypes.Invalid("type relocation with access string '" + access + "'");
      }
      return spec;
    }
    for (String part : access.split(":", -1)) {
      int v;
      try {
        v = Integer.parseInt(part);
      } catch (NumberFormatException e) {
        throw new CoreTypes.Invalid("bad access string '" + access + "'");
      }
      if (v < 0) {
        throw new CoreTypes.Invalid("negative index in '" + access + "'");
      }
      if (spec.raw.size() == CoreSpec.MAX_LEN) {
        throw new CoreTypes.Invalid("access string too long (E2BIG)");
      }
      spec.raw.add(v);
    }
    int id = CoreTypes.skip(btf, typeId);
    int idx = spec.raw.get(0);
    if (kind.isEnumValueBased()) {
      BtfKind k = id == 0 ? BtfKind.UNKN : btf.kind(id);
      if (!CoreTypes.isAnyEnum(k) || spec.raw.size() > 1 || idx >= btf.raw(id).vlen()) {
        throw new CoreTypes.Invalid("enum relocation on a non-enum or bad enumerator index");
      }
      spec.spec.add(new CoreAccessor(id, idx, CoreTypes.enumView(btf, id).name(idx)));
      return spec;
    }
    spec.spec.add(new CoreAccessor(id, idx, null));
    long sz = CoreTypes.size(btf, id);
    spec.bitOffset = idx * sz * 8;
    for (int i = 1; i < spec.raw.size(); i++) {
      id = CoreTypes.skip(btf, id);
      if (id == 0) {
        throw new CoreTypes.Invalid("access through void");
      }
      idx = spec.raw.get(i);
      RawType t = btf.raw(id);
      BtfKind k = t.kind();
      if (CoreTypes.isComposite(k)) {
        if (idx >= t.vlen()) {
          throw new CoreTypes.Invalid("member index " + idx + " out of range");
        }
        spec.bitOffset += memberBitOffset(t, idx);
        String name = btf.string(memberNameOff(t, idx));
        if (!name.isEmpty()) {
          spec.spec.add(new CoreAccessor(id, idx, name));
        }
        id = memberType(t, idx);
      } else if (k == BtfKind.ARRAY) {
        int elem = CoreTypes.skip(btf, t.data()[0]);
        boolean flex = isFlexArray(btf, spec.last(), t);
        if (!flex && Integer.toUnsignedLong(idx) >= Integer.toUnsignedLong(t.data()[2])) {
          throw new CoreTypes.Invalid("array index " + idx + " out of bounds");
        }
        spec.spec.add(new CoreAccessor(elem, idx, null));
        id = elem;
        spec.bitOffset += idx * CoreTypes.size(btf, elem) * 8;
      } else {
        throw new CoreTypes.Invalid(
            "relo for ["
                + typeId
                + "] "
                + access
                + " (at idx "
                + i
                + ") captures type ["
                + id
                + "] of unexpected kind "
                + CoreTypes.kindString(btf, id));
      }
    }
    return spec;
  }

  /** bpf_core_spec_match: 1 matched, 0 not; Invalid for errors. */
  static int match(CoreSpec local, Btf tb, int targId, CoreSpec targ) throws CoreTypes.Invalid {
    if (local.kind.isTypeBased()) {
      if (local.kind == CoreKind.TYPE_MATCHES) {
        return CoreTypes.typesMatch(local.btf, local.rootTypeId, tb, targId);
      }
      return CoreTypes.typesAreCompat(local.btf, local.rootTypeId, tb, targId, 32);
    }
    if (local.kind.isEnumValueBased()) {
      int tid = CoreTypes.skip(tb, targId);
      if (tid == 0 || !CoreTypes.isAnyEnum(tb.kind(tid))) {
        return 0;
      }
      String ln = local.spec.get(0).name();
      int ll = CoreTypes.essentialNameLength(ln);
      CoreTypes.EnumView e = CoreTypes.enumView(tb, tid);
      for (int i = 0; i < e.count(); i++) {
        String tn = e.name(i);
        if (CoreTypes.essentialNameLength(tn) == ll && ln.regionMatches(0, tn, 0, ll)) {
          targ.spec.add(new CoreAccessor(tid, i, tn));
          targ.raw.add(i);
          return 1;
        }
      }
      return 0;
    }
    int tid = targId;
    for (int i = 0; i < local.spec.size(); i++) {
      CoreAccessor la = local.spec.get(i);
      tid = CoreTypes.skip(tb, tid);
      if (la.name() != null) {
        int[] next = new int[1];
        int m = matchMember(local.btf, la, tb, tid, targ, next);
        if (m <= 0) {
          return m;
        }
        tid = next[0];
      } else {
        if (i > 0) {
          if (tid == 0 || tb.kind(tid) != BtfKind.ARRAY) {
            return 0;
          }
          RawType a = tb.raw(tid);
          boolean flex = isFlexArray(tb, targ.spec.get(i - 1), a);
          if (!flex && Integer.toUnsignedLong(la.idx()) >= Integer.toUnsignedLong(a.data()[2])) {
            return 0;
          }
          tid = CoreTypes.skip(tb, a.data()[0]);
        }
        if (targ.raw.size() == CoreSpec.MAX_LEN) {
          throw new CoreTypes.Invalid("target spec too deep (E2BIG)");
        }
        targ.spec.add(new CoreAccessor(tid, la.idx(), null));
        targ.raw.add(la.idx());
        targ.bitOffset += la.idx() * CoreTypes.size(tb, tid) * 8;
      }
    }
    return 1;
  }

  /** bpf_core_match_member: finds the local named member in target composite, through anon. */
  private static int matchMember(
      Btf lb, CoreAccessor la, Btf tb, int targId, CoreSpec targ, int[] nextTargId)
      throws CoreTypes.Invalid {
    targId = CoreTypes.skip(tb, targId);
    if (targId == 0 || !CoreTypes.isComposite(tb.kind(targId))) {
      return 0;
    }
    RawType local = lb.raw(la.typeId());
    int localMemberType = memberType(local, la.idx());
    String localName = lb.string(memberNameOff(local, la.idx()));
    RawType t = tb.raw(targId);
    for (int i = 0; i < t.vlen(); i++) {
      int bitOffset = memberBitOffset(t, i);
      if (targ.raw.size() == CoreSpec.MAX_LEN) {
        throw new CoreTypes.Invalid("target spec too deep (E2BIG)");
      }
      targ.bitOffset += bitOffset;
      targ.raw.add(i);
      String tn = tb.string(memberNameOff(t, i));
      if (tn.isEmpty()) {
        int found = matchMember(lb, la, tb, memberType(t, i), targ, nextTargId);
        if (found != 0) {
          return found;
        }
      } else if (localName.equals(tn)) {
        targ.spec.add(new CoreAccessor(targId, i, tn));
        nextTargId[0] = memberType(t, i);
        int found = CoreTypes.fieldsAreCompat(lb, localMemberType, tb, memberType(t, i));
        if (found == 0) {
          targ.spec.remove(targ.spec.size() - 1);
        }
        return found;
      }
      targ.bitOffset -= bitOffset;
      targ.raw.remove(targ.raw.size() - 1);
    }
    return 0;
  }
}
