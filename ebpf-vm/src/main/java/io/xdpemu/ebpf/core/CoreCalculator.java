package io.xdpemu.ebpf.core;

import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfKind;
import io.xdpemu.ebpf.btf.RawType;

/**
 * Values of a relocation from a (local or target) spec: relo_core.c bpf_core_calc_field_relo,
 * bpf_core_calc_type_relo, bpf_core_calc_enumval_relo and bpf_core_calc_relo (including the check
 * that a changed load/store width is safe: pointer to pointer or unsigned to unsigned).
 */
final class CoreCalculator {
  private CoreCalculator() {}

  /** libbpf's -EUCLEAN: "poison the instruction". */
  static final class PoisonRequest extends Exception {
    private static final long serialVersionUID = 1L;

    PoisonRequest() {
      super(null, null, false, false);
    }
  }

  /** One side's result (value, access size and type for the width fix-up, validate flag). */
  private static final class Side {
    long val;
    int fieldSize;
    int typeId;
    boolean validate = true;
  }

  static CoreFixup calc(CoreRecordContext ctx, CoreSpec local, CoreSpec targ)
      throws CoreTypes.Invalid {
    CoreKind kind = local.kind;
    Side l = new Side();
    Side t = new Side();
    boolean poison = false;
    boolean failMemsz = false;
    try {
      if (kind.isFieldBased()) {
        field(ctx, kind, local, l, true);
        field(ctx, kind, targ, t, false);
        if (l.fieldSize != t.fieldSize) {
          // type id 0 (a bitfield side) is void: neither pointer nor int, as in libbpf
          BtfKind ok = local.btf.kind(l.typeId);
          BtfKind nk = targ.btf.kind(t.typeId);
          boolean ptrs = ok == BtfKind.PTR && nk == BtfKind.PTR;
          boolean unsignedInts =
              ok == BtfKind.INT
                  && nk == BtfKind.INT
                  && CoreTypes.intEncoding(local.btf.raw(l.typeId)) != CoreTypes.INT_SIGNED
                  && CoreTypes.intEncoding(targ.btf.raw(t.typeId)) != CoreTypes.INT_SIGNED;
          failMemsz = !ptrs && !unsignedInts;
        }
      } else if (kind.isTypeBased()) {
        type(kind, local, l);
        type(kind, targ, t);
        l.validate = kind != CoreKind.TYPE_ID_TARGET;
      } else {
        enumValue(kind, local, l);
        enumValue(kind, targ, t);
      }
    } catch (PoisonRequest e) {
      poison = true;
    }
    return new CoreFixup(
        l.val, t.val, poison, l.validate, failMemsz, l.fieldSize, t.fieldSize, l.typeId, t.typeId);
  }

  private static void field(
      CoreRecordContext ctx, CoreKind kind, CoreSpec spec, Side out, boolean local)
      throws CoreTypes.Invalid, PoisonRequest {
    if (kind == CoreKind.FIELD_EXISTS) {
      out.val = spec != null ? 1 : 0;
      return;
    }
    if (spec == null) {
      throw new PoisonRequest();
    }
    Btf btf = spec.btf;
    CoreAccessor acc = spec.last();
    if (acc.name() == null) { // a[n] accessor
      if (kind == CoreKind.FIELD_BYTE_OFFSET) {
        out.val = spec.bitOffset / 8;
        int elem = elementType(btf, acc.typeId());
        out.fieldSize = (int) CoreTypes.size(btf, elem);
        out.typeId = acc.typeId();
      } else if (kind == CoreKind.FIELD_BYTE_SIZE) {
        out.val = CoreTypes.size(btf, acc.typeId());
      } else {
        throw new CoreTypes.Invalid(
            "relo "
                + kind.number()
                + " at insn #"
                + ctx.insnIndex()
                + " can't be applied to array access");
      }
      out.validate = true;
      return;
    }
    RawType composite = btf.raw(acc.typeId());
    int fieldTypeId = CoreTypes.skip(btf, CoreSpecs.memberType(composite, acc.idx()));
    long bitOff = spec.bitOffset;
    long bitSz = CoreSpecs.memberBitfieldSize(composite, acc.idx());
    boolean bitfield = bitSz > 0;
    long byteSz;
    long byteOff;
    if (bitfield) {
      if (fieldTypeId == 0) {
        throw new CoreTypes.Invalid("bitfield of void");
      }
      byteSz = Integer.toUnsignedLong(btf.raw(fieldTypeId).sizeOrType());
      if (byteSz == 0) {
        throw new CoreTypes.Invalid("bitfield of size 0");
      }
      byteOff = bitOff / 8 / byteSz * byteSz;
      while (bitOff + bitSz - byteOff * 8 > byteSz * 8) {
        if (byteSz >= 8) {
          throw new CoreTypes.Invalid(
              "relo "
                  + kind.number()
                  + " at insn #"
                  + ctx.insnIndex()
                  + " can't be satisfied for bitfield");
        }
        byteSz *= 2;
        byteOff = bitOff / 8 / byteSz * byteSz;
      }
    } else {
      byteSz = CoreTypes.size(btf, fieldTypeId);
      byteOff = spec.bitOffset / 8;
      bitSz = byteSz * 8;
    }
    out.validate = !bitfield;
    switch (kind) {
      case FIELD_BYTE_OFFSET:
        out.val = byteOff;
        if (!bitfield) {
          int elem = elementType(btf, fieldTypeId);
          out.fieldSize = (int) CoreTypes.size(btf, elem);
          out.typeId = fieldTypeId;
        }
        break;
      case FIELD_BYTE_SIZE:
        out.val = byteSz;
        break;
      case FIELD_SIGNED:
        {
          RawType mt = fieldTypeId == 0 ? null : btf.raw(fieldTypeId);
          boolean signed =
              mt != null
                  && ((CoreTypes.isAnyEnum(mt.kind()) && mt.kindFlag())
                      || (mt.kind() == BtfKind.INT
                          && (CoreTypes.intEncoding(mt) & CoreTypes.INT_SIGNED) != 0));
          out.val = signed ? 1 : 0;
          out.validate = true;
          break;
        }
      case FIELD_LSHIFT_U64:
        // little-endian target: 64 - (bit_off + bit_sz - byte_off * 8)
        out.val = 64 - (bitOff + bitSz - byteOff * 8);
        break;
      case FIELD_RSHIFT_U64:
        out.val = 64 - bitSz;
        out.validate = true;
        break;
      default:
        throw new CoreTypes.Invalid("unsupported field relocation " + kind.label());
    }
  }

  /** Innermost element type of (possibly nested) arrays, mods skipped. */
  private static int elementType(Btf btf, int id) throws CoreTypes.Invalid {
    int elem = CoreTypes.skip(btf, id);
    for (int depth = 0; elem != 0 && btf.kind(elem) == BtfKind.ARRAY; depth++) {
      if (depth > 32) {
        throw new CoreTypes.Invalid("array nesting too deep");
      }
      elem = CoreTypes.skip(btf, btf.raw(elem).data()[0]);
    }
    return elem;
  }

  private static void type(CoreKind kind, CoreSpec spec, Side out) throws CoreTypes.Invalid {
    out.validate = true;
    if (spec == null) {
      out.val = 0;
      return;
    }
    switch (kind) {
      case TYPE_ID_TARGET:
        out.val = spec.rootTypeId;
        break;
      case TYPE_EXISTS:
      case TYPE_MATCHES:
        out.val = 1;
        break;
      case TYPE_SIZE:
        out.val = CoreTypes.size(spec.btf, spec.rootTypeId);
        break;
      default:
        throw new CoreTypes.Invalid("unsupported type relocation " + kind.label());
    }
  }

  private static void enumValue(CoreKind kind, CoreSpec spec, Side out) throws PoisonRequest {
    if (kind == CoreKind.ENUMVAL_EXISTS) {
      out.val = spec != null ? 1 : 0;
      return;
    }
    if (spec == null) {
      throw new PoisonRequest();
    }
    CoreAccessor a = spec.spec.get(0);
    out.val = CoreTypes.enumView(spec.btf, a.typeId()).value(a.idx());
  }
}
