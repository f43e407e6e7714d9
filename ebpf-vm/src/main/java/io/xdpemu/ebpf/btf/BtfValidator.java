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
    long[] offsets = new long[btf.ownTypeCount()];
    for (int id = btf.firstId(); id < btf.typeCount(); id++) {
      RawType r = btf.raw(id);
      offsets[id - btf.firstId()] = pos;
      validate(id, r, pos);
      pos += r.byteSize();
    }
    checkChainsAreAcyclic(offsets);
  }

  /**
   * The id a chain kind leads to (PTR, TYPEDEF, modifiers, ARRAY element, FUNC, VAR, DECL_TAG), or
   * -1. Such chains must end in a type that is not itself a chain: the kernel rejects a loop of
   * them ("Loop detected", btf_resolve) since no C declaration can spell it.
   */
  private int chainTarget(int id) {
    RawType r = btf.raw(id);
    BtfKind k = r.kind();
    if (k == null) {
      return -1;
    }
    switch (k) {
      case PTR:
      case TYPEDEF:
      case VOLATILE:
      case CONST:
      case RESTRICT:
      case TYPE_TAG:
      case FUNC:
      case VAR:
      case DECL_TAG:
        return r.sizeOrType();
      case ARRAY:
        return r.data()[0];
      default:
        return -1;
    }
  }

  /** Colours the functional graph of chain edges (one out-edge per type): O(types). */
  private void checkChainsAreAcyclic(long[] offsets) {
    int first = btf.firstId();
    byte[] state = new byte[offsets.length]; // 0 new, 1 on the current walk, 2 done
    for (int start = first; start < btf.typeCount(); start++) {
      int id = start;
      while (id >= first && state[id - first] == 0) {
        state[id - first] = 1;
        int next = chainTarget(id);
        if (next <= 0) {
          break;
        }
        if (next >= first && state[next - first] == 1) {
          throw error.at(
              offsets[next - first],
              "type ["
                  + next
                  + "] is part of a reference loop (pointer/typedef/modifier/array chain)");
        }
        id = next;
      }
      for (id = start; id >= first && state[id - first] == 1; id = chainTarget(id)) {
        state[id - first] = 2;
        if (chainTarget(id) <= 0) {
          break;
        }
      }
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
          throw error.at(
              pos + 8,
              "type ["
                  + id
                  + "] FUNC refers to type ["
                  + r.sizeOrType()
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
      throw error.at(
          at,
          "type ["
              + id
              + "] name offset "
              + Integer.toUnsignedString(off)
              + " outside the string section (size "
              + btf.stringsEnd()
              + ")");
    }
  }

  private void ref(int id, int target, long at) {
    if (target < 0 || target >= btf.typeCount()) {
      throw error.at(
          at,
          "type ["
              + id
              + "] refers to missing type id "
              + Integer.toUnsignedString(target)
              + " (last id is "
              + (btf.typeCount() - 1)
              + ")");
    }
  }
}
