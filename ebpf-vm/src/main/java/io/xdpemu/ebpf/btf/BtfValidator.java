package io.xdpemu.ebpf.btf;

import io.xdpemu.ebpf.MalformedInputException;

/**
 * Second parsing pass, after all records are known: every string offset lies inside the string
 * sections (base included) and every referenced type id exists, as libbpf's {@code
 * btf_validate_type} checks; a FUNC must point at a FUNC_PROTO.
 */
final class BtfValidator {
  interface ErrorFactory {
    MalformedInputException at(long offset, String what);
  }

  private final Btf btf;
  private final ErrorFactory error;
  private final int sectionStart;

  BtfValidator(Btf btf, ErrorFactory error, int sectionStart) {
    this.btf = btf;
    this.error = error;
    this.sectionStart = sectionStart;
  }

  void validate() {
    long pos = sectionStart;
    for (int id = btf.firstId(); id < btf.typeCount(); id++) {
      RawType r = btf.raw(id);
      validate(id, r, pos);
      pos += r.byteSize();
    }
  }

  private void validate(int id, RawType r, long pos) {
    name(id, r.nameOff(), pos);
    BtfKind kind = r.kind();
    if (kind == null) {
      return; // an unknown kind skipped through the layout section: nothing more we can check
    }
    int[] d = r.data();
    switch (kind) {
      case PTR:
      case TYPEDEF:
      case VOLATILE:
      case CONST:
      case RESTRICT:
      case VAR:
      case DECL_TAG:
      case TYPE_TAG:
        ref(id, r.sizeOrType(), pos + 8);
        break;
      case FUNC:
        ref(id, r.sizeOrType(), pos + 8);
        if (btf.kind(r.sizeOrType()) != BtfKind.FUNC_PROTO) {
          throw error.at(pos + 8, "type [" + id + "] FUNC refers to type [" + r.sizeOrType()
              + "] which is not a FUNC_PROTO");
        }
        break;
      case ARRAY:
        ref(id, d[0], pos + 12);
        ref(id, d[1], pos + 16);
        break;
      case STRUCT:
      case UNION:
        for (int i = 0; i < r.vlen(); i++) {
          name(id, d[3 * i], pos + 12 + 12L * i);
          ref(id, d[3 * i + 1], pos + 16 + 12L * i);
        }
        break;
      case ENUM:
        for (int i = 0; i < r.vlen(); i++) {
          name(id, d[2 * i], pos + 12 + 8L * i);
        }
        break;
      case ENUM64:
        for (int i = 0; i < r.vlen(); i++) {
          name(id, d[3 * i], pos + 12 + 12L * i);
        }
        break;
      case FUNC_PROTO:
        ref(id, r.sizeOrType(), pos + 8);
        for (int i = 0; i < r.vlen(); i++) {
          name(id, d[2 * i], pos + 12 + 8L * i);
          ref(id, d[2 * i + 1], pos + 16 + 8L * i);
        }
        break;
      case DATASEC:
        for (int i = 0; i < r.vlen(); i++) {
          ref(id, d[3 * i], pos + 12 + 12L * i);
        }
        break;
      default:
        break;
    }
  }

  private void name(int id, int off, long at) {
    if (!btf.hasString(off)) {
      throw error.at(at, "type [" + id + "] name offset " + Integer.toUnsignedString(off)
          + " outside the string section (size " + btf.stringsEnd() + ")");
    }
  }

  private void ref(int id, int target, long at) {
    if (target < 0 || target >= btf.typeCount()) {
      throw error.at(at, "type [" + id + "] refers to missing type id "
          + Integer.toUnsignedString(target) + " (last id is " + (btf.typeCount() - 1) + ")");
    }
  }
}
