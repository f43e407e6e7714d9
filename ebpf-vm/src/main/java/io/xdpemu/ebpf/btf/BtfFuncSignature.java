package io.xdpemu.ebpf.btf;

/**
 * The one-line type spelling bpftool prints above each function in {@code prog dump xlated} ("int
 * xdp_first(struct xdp_md * ctx):"), from bpftool btf_dumper.c {@code btf_dumper_type_only}: base
 * types are followed by a space, pointers print as "* ", a FUNC is "ret name(args)". Like bpftool
 * (a 1024-byte buffer) an over-long or unprintable signature yields "" so callers print nothing.
 */
public final class BtfFuncSignature {
  private BtfFuncSignature() {}

  private static final int BUFFER = 1024;

  /** Thrown internally when bpftool would give up (unknown kind, buffer full). */
  private static final class GiveUp extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GiveUp() {
      super(null, null, false, false);
    }
  }

  public static String of(Btf btf, int typeId) {
    StringBuilder sb = new StringBuilder();
    try {
      type(btf, typeId, sb, 0);
    } catch (GiveUp e) {
      return "";
    }
    return sb.toString();
  }

  private static void print(StringBuilder sb, String s) {
    sb.append(s);
    if (sb.length() >= BUFFER) {
      throw new GiveUp();
    }
  }

  private static void type(Btf btf, int id, StringBuilder sb, int depth) {
    if (depth > BtfLayout.MAX_NESTING) {
      throw new GiveUp();
    }
    if (id == 0) {
      print(sb, "void ");
      return;
    }
    if (id < 0 || id >= btf.typeCount()) {
      throw new GiveUp();
    }
    RawType t = btf.raw(id);
    BtfKind k = t.kind();
    String name = btf.string(t.nameOff());
    if (k == null) {
      throw new GiveUp();
    }
    switch (k) {
      case INT:
      case TYPEDEF:
      case FLOAT:
        print(sb, name + " ");
        break;
      case STRUCT:
        print(sb, "struct " + name + " ");
        break;
      case UNION:
        print(sb, "union " + name + " ");
        break;
      case ENUM:
      case ENUM64:
        print(sb, "enum " + name + " ");
        break;
      case ARRAY:
        type(btf, t.data()[0], sb, depth + 1);
        print(sb, "[" + t.data()[2] + "]");
        break;
      case PTR:
        type(btf, t.sizeOrType(), sb, depth + 1);
        print(sb, "* ");
        break;
      case FWD:
        print(sb, (t.kindFlag() ? "union " : "struct ") + name + " ");
        break;
      case VOLATILE:
        print(sb, "volatile ");
        type(btf, t.sizeOrType(), sb, depth + 1);
        break;
      case CONST:
        print(sb, "const ");
        type(btf, t.sizeOrType(), sb, depth + 1);
        break;
      case RESTRICT:
        print(sb, "restrict ");
        type(btf, t.sizeOrType(), sb, depth + 1);
        break;
      case FUNC_PROTO:
        func(btf, t, null, sb, depth);
        break;
      case FUNC:
        func(btf, btf.raw(t.sizeOrType()), name, sb, depth);
        break;
      case VAR:
        if (t.data()[0] == BtfType.VAR_STATIC) {
          print(sb, "static ");
        }
        type(btf, t.sizeOrType(), sb, depth + 1);
        print(sb, " " + name);
        break;
      case DATASEC:
        print(sb, "section (\"" + name + "\") ");
        break;
      default:
        throw new GiveUp();
    }
  }

  /** bpftool {@code btf_dump_func}: unnamed parameters drop the trailing space of their type. */
  private static void func(Btf btf, RawType proto, String name, StringBuilder sb, int depth) {
    if (proto.kind() != BtfKind.FUNC_PROTO) {
      throw new GiveUp();
    }
    type(btf, proto.sizeOrType(), sb, depth + 1);
    print(sb, name != null ? name + "(" : "(");
    int[] p = proto.data();
    for (int i = 0; i < proto.vlen(); i++) {
      if (i > 0) {
        print(sb, ", ");
      }
      int argType = p[2 * i + 1];
      if (argType != 0) {
        type(btf, argType, sb, depth + 1);
        if (p[2 * i] != 0) {
          print(sb, btf.string(p[2 * i]));
        } else if (sb.length() > 0 && sb.charAt(sb.length() - 1) == ' ') {
          sb.setLength(sb.length() - 1);
        }
      } else {
        print(sb, "...");
      }
    }
    print(sb, ")");
  }
}
