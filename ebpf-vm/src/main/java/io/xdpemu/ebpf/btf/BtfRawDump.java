package io.xdpemu.ebpf.btf;

/**
 * The raw listing of {@code bpftool btf dump file X} (bpftool 7.1 btf.c {@code dump_btf_type}),
 * byte for byte: one "[id] KIND 'name' ..." line per type, members on tab-indented lines. For split
 * BTF only the split part is listed, starting at the base's type count ({@code dump_btf_raw}).
 */
public final class BtfRawDump {
  private BtfRawDump() {}

  public static String dump(Btf btf) {
    StringBuilder out = new StringBuilder(btf.ownTypeCount() * 64);
    for (int id = btf.firstId(); id < btf.typeCount(); id++) {
      dumpType(btf, id, out);
    }
    return out.toString();
  }

  /** bpftool's {@code btf_str}: offset 0 prints "(anon)". */
  private static String str(Btf btf, int off) {
    if (off == 0) {
      return "(anon)";
    }
    return btf.hasString(off) ? btf.string(off) : "(invalid)";
  }

  private static String u32(int v) {
    return Integer.toUnsignedString(v);
  }

  static void dumpType(Btf btf, int id, StringBuilder out) {
    RawType t = btf.raw(id);
    BtfKind kind = t.kind();
    int[] d = t.data();
    int vlen = t.vlen() & 0xffff; // bpftool 7.1 BTF_INFO_VLEN is 16 bits
    out.append('[')
        .append(id)
        .append("] ")
        .append(kind == null ? "UNKNOWN" : kind.label())
        .append(" '")
        .append(str(btf, t.nameOff()))
        .append('\'');
    if (kind == null) {
      out.append('\n');
      return;
    }
    switch (kind) {
      case INT:
        out.append(" size=")
            .append(u32(t.sizeOrType()))
            .append(" bits_offset=")
            .append((d[0] >>> 16) & 0xff)
            .append(" nr_bits=")
            .append(d[0] & 0xff)
            .append(" encoding=")
            .append(intEncoding((d[0] >>> 24) & 0x0f));
        break;
      case PTR:
      case CONST:
      case VOLATILE:
      case RESTRICT:
      case TYPEDEF:
      case TYPE_TAG:
        out.append(" type_id=").append(u32(t.sizeOrType()));
        break;
      case ARRAY:
        out.append(" type_id=")
            .append(u32(d[0]))
            .append(" index_type_id=")
            .append(u32(d[1]))
            .append(" nr_elems=")
            .append(u32(d[2]));
        break;
      case STRUCT:
      case UNION:
        out.append(" size=").append(u32(t.sizeOrType())).append(" vlen=").append(vlen);
        for (int i = 0; i < vlen; i++) {
          int off = d[3 * i + 2];
          int bitOff = t.kindFlag() ? off & 0xffffff : off;
          int bitSz = t.kindFlag() ? off >>> 24 : 0;
          out.append("\n\t'")
              .append(str(btf, d[3 * i]))
              .append("' type_id=")
              .append(u32(d[3 * i + 1]))
              .append(" bits_offset=")
              .append(u32(bitOff));
          if (bitSz != 0) {
            out.append(" bitfield_size=").append(bitSz);
          }
        }
        break;
      case ENUM:
        out.append(" encoding=")
            .append(t.kindFlag() ? "SIGNED" : "UNSIGNED")
            .append(" size=")
            .append(u32(t.sizeOrType()))
            .append(" vlen=")
            .append(vlen);
        for (int i = 0; i < vlen; i++) {
          int v = d[2 * i + 1];
          out.append("\n\t'")
              .append(str(btf, d[2 * i]))
              .append("' val=")
              .append(t.kindFlag() ? Integer.toString(v) : u32(v));
        }
        break;
      case ENUM64:
        out.append(" encoding=")
            .append(t.kindFlag() ? "SIGNED" : "UNSIGNED")
            .append(" size=")
            .append(u32(t.sizeOrType()))
            .append(" vlen=")
            .append(vlen);
        for (int i = 0; i < vlen; i++) {
          long v = Integer.toUnsignedLong(d[3 * i + 1]) | ((long) d[3 * i + 2] << 32);
          out.append("\n\t'")
              .append(str(btf, d[3 * i]))
              .append("' val=")
              .append(t.kindFlag() ? Long.toString(v) + "LL" : Long.toUnsignedString(v) + "ULL");
        }
        break;
      case FWD:
        out.append(" fwd_kind=").append(t.kindFlag() ? "union" : "struct");
        break;
      case FUNC:
        out.append(" type_id=")
            .append(u32(t.sizeOrType()))
            .append(" linkage=")
            .append(funcLinkage(vlen));
        break;
      case FUNC_PROTO:
        out.append(" ret_type_id=").append(u32(t.sizeOrType())).append(" vlen=").append(vlen);
        for (int i = 0; i < vlen; i++) {
          out.append("\n\t'")
              .append(str(btf, d[2 * i]))
              .append("' type_id=")
              .append(u32(d[2 * i + 1]));
        }
        break;
      case VAR:
        out.append(" type_id=")
            .append(u32(t.sizeOrType()))
            .append(", linkage=")
            .append(varLinkage(d[0]));
        break;
      case DATASEC:
        out.append(" size=").append(u32(t.sizeOrType())).append(" vlen=").append(vlen);
        for (int i = 0; i < vlen; i++) {
          int type = d[3 * i];
          out.append("\n\ttype_id=")
              .append(u32(type))
              .append(" offset=")
              .append(u32(d[3 * i + 1]))
              .append(" size=")
              .append(u32(d[3 * i + 2]));
          if (Integer.compareUnsigned(type, btf.typeCount()) < 0) {
            BtfKind vk = btf.kind(type);
            String vn = type == 0 ? "(anon)" : str(btf, btf.raw(type).nameOff());
            out.append(" (").append(vk.label()).append(" '").append(vn).append("')");
          }
        }
        break;
      case FLOAT:
        out.append(" size=").append(u32(t.sizeOrType()));
        break;
      case DECL_TAG:
        out.append(" type_id=").append(u32(t.sizeOrType())).append(" component_idx=").append(d[0]);
        break;
      default:
        break;
    }
    out.append('\n');
  }

  private static String intEncoding(int enc) {
    switch (enc) {
      case 0:
        return "(none)";
      case BtfType.INT_SIGNED:
        return "SIGNED";
      case BtfType.INT_CHAR:
        return "CHAR";
      case BtfType.INT_BOOL:
        return "BOOL";
      default:
        return "UNKN";
    }
  }

  private static String funcLinkage(int vlen) {
    switch (vlen) {
      case BtfType.FUNC_STATIC:
        return "static";
      case BtfType.FUNC_GLOBAL:
        return "global";
      case BtfType.FUNC_EXTERN:
        return "extern";
      default:
        return "(unknown)";
    }
  }

  private static String varLinkage(int linkage) {
    switch (linkage) {
      case BtfType.VAR_STATIC:
        return "static";
      case BtfType.VAR_GLOBAL_ALLOCATED:
        return "global";
      case BtfType.VAR_GLOBAL_EXTERN:
        return "extern";
      default:
        return "(unknown)";
    }
  }
}
