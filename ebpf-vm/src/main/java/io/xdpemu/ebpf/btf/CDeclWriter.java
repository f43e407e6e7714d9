package io.xdpemu.ebpf.btf;

import io.xdpemu.ebpf.MalformedInputException;
import java.util.Arrays;

/**
 * C declarators for {@link BtfCDump}: libbpf btf_dump.c's {@code btf_dump_emit_type_decl} / {@code
 * btf_dump_emit_type_chain} (BTF chains such as typedef, array, ptr, const, int become {@code const
 * int *x[10]}), struct/union bodies with bitfields, explicit padding and {@code
 * __attribute__((packed))} ({@code btf_dump_emit_struct_def}, {@code btf_dump_emit_bit_padding}).
 */
final class CDeclWriter {
  private final BtfCDump d;
  private final StringBuilder out;

  CDeclWriter(BtfCDump dump) {
    this.d = dump;
    this.out = dump.out;
  }

  /** One declaration chain's stack of type ids; the terminal type is on top. */
  private static final class IdStack {
    int[] ids = new int[8];
    int cnt;

    void push(int id) {
      if (cnt == ids.length) {
        ids = Arrays.copyOf(ids, cnt * 2);
      }
      ids[cnt++] = id;
    }

    int peek() {
      return ids[cnt - 1];
    }
  }

  private static boolean isMod(BtfKind k) {
    return k == BtfKind.VOLATILE
        || k == BtfKind.CONST
        || k == BtfKind.RESTRICT
        || k == BtfKind.TYPE_TAG;
  }

  /** Pushes the chain from {@code id} down to its terminal type, then writes it. */
  void emitTypeDecl(int id, String fname, int lvl) {
    d.enter(id);
    try {
      emitTypeDeclUnguarded(id, fname, lvl);
    } finally {
      d.leave();
    }
  }

  private void emitTypeDeclUnguarded(int id, String fname, int lvl) {
    IdStack decls = new IdStack();
    for (int steps = 0; ; steps++) {
      if (steps > BtfCDump.MAX_DEPTH) {
        throw d.cycle(id); // a modifier/pointer loop
      }
      decls.push(id);
      if (id == 0) {
        break;
      }
      RawType t = d.raw(id);
      BtfKind k = d.kindOf(id);
      if (k == BtfKind.PTR
          || k == BtfKind.VOLATILE
          || k == BtfKind.CONST
          || k == BtfKind.RESTRICT
          || k == BtfKind.FUNC_PROTO
          || k == BtfKind.TYPE_TAG) {
        id = t.sizeOrType();
      } else if (k == BtfKind.ARRAY) {
        id = t.data()[0];
      } else {
        break; // INT, ENUM, ENUM64, FWD, STRUCT, UNION, TYPEDEF, FLOAT (or unexpected: stop)
      }
    }
    emitTypeChain(decls, fname, lvl);
  }

  /** Modifiers right below a terminal type are written before it ("const int"). */
  private void emitMods(IdStack decls) {
    while (decls.cnt > 0) {
      BtfKind k = d.kindOf(decls.peek());
      if (k == BtfKind.VOLATILE) {
        out.append("volatile ");
      } else if (k == BtfKind.CONST) {
        out.append("const ");
      } else if (k == BtfKind.RESTRICT) {
        out.append("restrict ");
      } else {
        return;
      }
      decls.cnt--;
    }
  }

  private void dropMods(IdStack decls) {
    while (decls.cnt > 0 && isMod(d.kindOf(decls.peek()))) {
      decls.cnt--;
    }
  }

  private void emitName(String name, boolean lastWasPtr) {
    if (!name.isEmpty() && !lastWasPtr) {
      out.append(' ');
    }
    out.append(name);
  }

  private void emitTypeChain(IdStack decls, String fname, int lvl) {
    d.enter(decls.cnt > 0 ? decls.peek() : 0);
    try {
      emitTypeChainUnguarded(decls, fname, lvl);
    } finally {
      d.leave();
    }
  }

  private void emitTypeChainUnguarded(IdStack decls, String fname, int lvl) {
    // start "true" so a lone pointer in a func_proto chain prints as (*name)
    boolean lastWasPtr = true;
    while (decls.cnt > 0) {
      int id = decls.ids[--decls.cnt];
      if (id == 0) {
        emitMods(decls);
        out.append("void");
        lastWasPtr = false;
        continue;
      }
      RawType t = d.raw(id);
      BtfKind kind = d.kindOf(id);
      switch (kind) {
        case INT:
        case FLOAT:
          emitMods(decls);
          out.append(d.nameOf(t.nameOff()));
          break;
        case STRUCT:
        case UNION:
          emitMods(decls);
          if (t.nameOff() == 0) {
            emitStructDef(id, t, lvl); // anonymous: defined inline
          } else {
            d.emitStructFwd(id, t);
          }
          break;
        case ENUM:
        case ENUM64:
          emitMods(decls);
          if (t.nameOff() == 0) {
            d.emitEnumDef(id, t, lvl);
          } else {
            d.emitEnumFwd(id);
          }
          break;
        case FWD:
          emitMods(decls);
          d.emitFwdDef(id, t);
          break;
        case TYPEDEF:
          emitMods(decls);
          out.append(d.identName(id));
          break;
        case PTR:
          out.append(lastWasPtr ? "*" : " *");
          break;
        case VOLATILE:
          out.append(" volatile");
          break;
        case CONST:
          out.append(" const");
          break;
        case RESTRICT:
          out.append(" restrict");
          break;
        case TYPE_TAG:
          emitMods(decls);
          out.append(" __attribute__((btf_type_tag(\"")
              .append(d.nameOf(t.nameOff()))
              .append("\")))");
          break;
        case ARRAY:
          {
            // GCC adds const/volatile to arrays of const elements; they mean nothing: drop them
            dropMods(decls);
            int nelems = t.data()[2];
            if (decls.cnt == 0) {
              emitName(fname, lastWasPtr);
              out.append('[').append(Integer.toUnsignedString(nelems)).append(']');
              return;
            }
            boolean multidim = d.kindOf(decls.peek()) == BtfKind.ARRAY;
            if (!fname.isEmpty() && !lastWasPtr) {
              out.append(' ');
            }
            if (!multidim) {
              out.append('(');
            }
            emitTypeChain(decls, fname, lvl);
            if (!multidim) {
              out.append(')');
            }
            out.append('[').append(Integer.toUnsignedString(nelems)).append(']');
            return;
          }
        case FUNC_PROTO:
          {
            dropMods(decls);
            if (decls.cnt > 0) {
              out.append(" (");
              emitTypeChain(decls, fname, lvl);
              out.append(')');
            } else {
              emitName(fname, lastWasPtr);
            }
            out.append('(');
            int vlen = t.vlen();
            int[] p = t.data();
            // no arguments (vlen 0, or clang's BPF spelling: one void argument) is "(void)", as
            // libbpf since commit 205e86de ("Fix no-args func prototype BTF dumping syntax")
            if (vlen == 0 || (vlen == 1 && p[1] == 0)) {
              out.append("void)");
              return;
            }
            for (int i = 0; i < vlen; i++) {
              if (i > 0) {
                out.append(", ");
              }
              if (i == vlen - 1 && p[2 * i + 1] == 0) {
                out.append("...");
                break;
              }
              emitTypeDecl(p[2 * i + 1], d.nameOf(p[2 * i]), lvl);
            }
            out.append(')');
            return;
          }
        default:
          return; // libbpf warns "unexpected type in decl chain" and stops
      }
      lastWasPtr = kind == BtfKind.PTR;
    }
    emitName(fname, lastWasPtr);
  }

  /** {@code btf_is_struct_packed}: a misaligned non-bitfield member or an odd size. */
  private boolean isStructPacked(RawType t) {
    int maxAlign = 1;
    int[] m = t.data();
    for (int i = 0; i < t.vlen(); i++) {
      int align = d.alignOf(m[3 * i + 1]);
      int off = m[3 * i + 2];
      int bitSz = t.kindFlag() ? off >>> 24 : 0;
      int bitOff = t.kindFlag() ? off & 0xffffff : off;
      if (align != 0 && bitSz == 0 && Integer.remainderUnsigned(bitOff, 8 * align) != 0) {
        return true;
      }
      maxAlign = Math.max(align, maxAlign);
    }
    return Integer.remainderUnsigned(t.sizeOrType(), maxAlign) != 0;
  }

  void emitStructDef(int id, RawType t, int lvl) {
    boolean isStruct = t.kind() == BtfKind.STRUCT;
    int align = d.alignOf(id);
    boolean packed = isStruct && isStructPacked(t);
    out.append(isStruct ? "struct" : "union")
        .append(t.nameOff() != 0 ? " " : "")
        .append(d.typeName(id))
        .append(" {");
    int[] m = t.data();
    int vlen = t.vlen();
    long off = 0;
    boolean prevBitfield = false;
    for (int i = 0; i < vlen; i++) {
      String fname = d.nameOf(m[3 * i]);
      int raw = m[3 * i + 2];
      int mSz = t.kindFlag() ? raw >>> 24 : 0;
      long mOff = Integer.toUnsignedLong(t.kindFlag() ? raw & 0xffffff : raw);
      int mAlign = packed ? 1 : d.alignOf(m[3 * i + 1]);
      boolean inBitfield = prevBitfield && mSz != 0;
      emitBitPadding(id, off, mOff, mAlign, inBitfield, lvl + 1);
      out.append('\n').append(BtfCDump.pfx(lvl + 1));
      emitTypeDecl(m[3 * i + 1], fname, lvl + 1);
      if (mSz != 0) {
        out.append(": ").append(mSz);
        off = mOff + mSz;
        prevBitfield = true;
      } else {
        long sz = Math.max(0, d.sizeOf(m[3 * i + 1]));
        off = mOff + sz * 8;
        prevBitfield = false;
      }
      out.append(';');
    }
    if (isStruct) {
      emitBitPadding(id, off, Integer.toUnsignedLong(t.sizeOrType()) * 8, align, false, lvl + 1);
    }
    if (vlen != 0 || t.sizeOrType() != 0) {
      out.append('\n').append(BtfCDump.pfx(lvl)).append('}');
    } else {
      out.append('}');
    }
    if (packed) {
      out.append(" __attribute__((packed))");
    }
  }

  private static long roundup(long x, long y) {
    return (x + y - 1) / y * y;
  }

  /**
   * {@code btf_dump_emit_bit_padding}: fills the gap [curOff, nextOff) with {@code type: bits;}
   * markers, using the largest naturally aligned type and explicit {@code type: 0;} when the
   * compiler would not otherwise align the next field where BTF says it is.
   */
  /**
   * Largest hole we fill with padding fields. Real kernels stay far below (Linux 6.18's largest is
   * 32 KiB); a bit-flipped size would otherwise make us print gigabytes of "long: 64;".
   */
  static final long MAX_PADDING_BITS = 8L << 23;

  private void emitBitPadding(
      int id, long curOff, long nextOff, int nextAlign, boolean inBitfield, int lvl) {
    if (nextOff - curOff > MAX_PADDING_BITS) {
      throw new MalformedInputException(
          "malformed BTF "
              + d.btf.source()
              + ": struct ["
              + id
              + "] has a padding hole of "
              + (nextOff - curOff) / 8
              + " bytes (limit "
              + MAX_PADDING_BITS / 8
              + ")");
    }
    String[] padNames = {"long", "int", "short", "char"};
    int[] padBits = {d.ptrSize * 8, 32, 16, 8};
    if (curOff >= nextOff) {
      return;
    }
    long newOff = 0;
    int bits = 0;
    String type = null;
    for (int i = 0; i < padNames.length; i++) {
      bits = padBits[i];
      type = padNames[i];
      newOff = roundup(curOff, bits);
      if (newOff <= nextOff) {
        break;
      }
    }
    if (newOff > curOff && newOff <= nextOff) {
      if (inBitfield
          || (newOff == nextOff && roundup(curOff, Math.max(1, nextAlign) * 8L) != newOff)
          || (newOff != nextOff && nextOff - newOff <= newOff - curOff)) {
        out.append('\n')
            .append(BtfCDump.pfx(lvl))
            .append(type)
            .append(": ")
            .append(inBitfield ? newOff - curOff : 0)
            .append(';');
      }
      curOff = newOff;
    }
    while (curOff != nextOff) {
      long gap = Math.min(nextOff - curOff, bits);
      if (gap == bits) {
        out.append('\n')
            .append(BtfCDump.pfx(lvl))
            .append(type)
            .append(": ")
            .append(bits)
            .append(';');
        curOff += gap;
        continue;
      }
      for (int i = padNames.length - 1; i >= 0; i--) {
        type = padNames[i];
        bits = padBits[i];
        if (bits < gap) {
          continue;
        }
        out.append('\n')
            .append(BtfCDump.pfx(lvl))
            .append(type)
            .append(": ")
            .append(gap)
            .append(';');
        curOff += gap;
        break;
      }
    }
  }
}
