package io.xdpemu.ebpf.btf;

import io.xdpemu.ebpf.MalformedInputException;

/**
 * BTF to compilable C, the algorithm of libbpf's btf_dump.c ({@code btf_dump__dump_type}) so the
 * output matches {@code bpftool btf dump file X format c}: types are topologically ordered with
 * strong (embedding) and weak (through a named pointer target) links ({@code btf_dump_order_type}),
 * then emitted with forward declarations only where a cycle needs one ({@code btf_dump_emit_type});
 * anonymous structs/unions/enums are written inline, duplicate names get a {@code ___N} suffix,
 * packed structs and padding are reconstructed from offsets. The C declarator syntax (pointers,
 * arrays, function pointers, modifiers) lives in {@link CDeclWriter}.
 */
public final class BtfCDump {
  static final int NOT_ORDERED = 0;
  static final int ORDERING = 1;
  static final int ORDERED = 2;
  static final int NOT_EMITTED = 0;
  static final int EMITTING = 1;
  static final int EMITTED = 2;

  final Btf btf;
  final StringBuilder out = new StringBuilder(1 << 16);
  final int ptrSize;
  private final byte[] orderState;
  private final byte[] emitState;
  private final boolean[] fwdEmitted;
  private final boolean[] referenced;
  private final CNames names;
  private int[] emitQueue = new int[64];
  private int emitQueueCount;
  final CDeclWriter decl;

  /** Stack needed by the recursive ordering/emission on deep type graphs. */
  private static final long STACK_BYTES = 64L << 20;

  /**
   * Recursion limit of ordering and emission. libbpf has none (a malformed cyclic graph crashes
   * it); real BTF nests a few dozen levels, so hitting this means a cycle C cannot express.
   */
  static final int MAX_DEPTH = 4096;

  private int depth;

  void enter(int id) {
    if (++depth > MAX_DEPTH) {
      throw cycle(id);
    }
  }

  MalformedInputException cycle(int id) {
    return new MalformedInputException(
        "malformed BTF "
            + btf.source()
            + ": type ["
            + id
            + "] is part of a reference cycle that C cannot express");
  }

  void leave() {
    depth--;
  }

  /**
   * Whether 1- and 8-byte enums get {@code __attribute__((mode(byte|word)))} (libbpf commit
   * e6e0e3fd, v1.1). Debian 12's bpftool 7.1 (built from the 6.1 kernel tree, the oracle here)
   * predates it and prints plain enums, so the default is off to stay byte-identical; turn it on
   * for headers whose struct layouts must match BTF exactly around such enums.
   */
  private final boolean enumModeAttributes;

  public BtfCDump(Btf btf) {
    this(btf, false);
  }

  public BtfCDump(Btf btf, boolean enumModeAttributes) {
    this.enumModeAttributes = enumModeAttributes;
    this.btf = btf;
    int n = btf.typeCount();
    this.ptrSize = btf.pointerSize();
    orderState = new byte[n];
    emitState = new byte[n];
    fwdEmitted = new boolean[n];
    referenced = new boolean[n];
    names = new CNames(btf);
    orderState[0] = ORDERED;
    emitState[0] = EMITTED;
    markReferenced();
    decl = new CDeclWriter(this);
  }

  /** The whole BTF (base included) as bpftool's vmlinux.h-style header. */
  public static String dumpHeader(Btf btf) {
    String[] result = new String[1];
    Throwable[] failure = new Throwable[1];
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                BtfCDump d = new BtfCDump(btf);
                d.out
                    .append("#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n")
                    .append("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n")
                    .append(
                        "#pragma clang attribute push (__attribute__((preserve_access_index)),"
                            + " apply_to = record)\n")
                    .append("#endif\n\n");
                for (int id = 1; id < btf.typeCount(); id++) {
                  d.dumpType(id);
                }
                d.out
                    .append("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n")
                    .append("#endif\n\n#endif /* __VMLINUX_H__ */\n");
                result[0] = d.out.toString();
              } catch (RuntimeException | Error e) {
                failure[0] = e;
              }
            },
            "btf-c-dump",
            STACK_BYTES);
    runToCompletion(t, failure);
    return result[0];
  }

  /**
   * C declarations of a split BTF's own types (ids from {@code firstId()}) and of the base types
   * they need (e.g. {@code typedef unsigned int __u32;}), without bpftool's vmlinux.h wrapper: a
   * header a NIC driver would ship for its metadata layout. Same ordering rules as the full dump.
   */
  public static String dumpOwnTypes(Btf btf) {
    String[] result = new String[1];
    Throwable[] failure = new Throwable[1];
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                BtfCDump d = new BtfCDump(btf);
                for (int id = btf.firstId(); id < btf.typeCount(); id++) {
                  d.dumpType(id);
                }
                result[0] = d.out.toString();
              } catch (RuntimeException | Error e) {
                failure[0] = e;
              }
            },
            "btf-c-dump",
            STACK_BYTES);
    runToCompletion(t, failure);
    return result[0];
  }

  private static void runToCompletion(Thread t, Throwable[] failure) {
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (failure[0] instanceof RuntimeException e) {
      throw e;
    }
    if (failure[0] instanceof Error e) {
      throw e;
    }
  }

  /** {@code btf_dump__dump_type}: emits {@code id} and whatever it needs that is not out yet. */
  public void dumpType(int id) {
    emitQueueCount = 0;
    if (orderType(id, false) < 0) {
      return; // libbpf reports the unsatisfiable cycle and emits nothing for this root
    }
    for (int i = 0; i < emitQueueCount; i++) {
      emitType(emitQueue[i], 0);
    }
  }

  /** The C text emitted so far. */
  public String text() {
    return out.toString();
  }

  RawType raw(int id) {
    return btf.raw(id);
  }

  BtfKind kindOf(int id) {
    return id == 0 ? BtfKind.UNKN : btf.kind(id);
  }

  String nameOf(int off) {
    return btf.hasString(off) ? btf.string(off) : "";
  }

  static String pfx(int lvl) {
    return "\t".repeat(Math.min(lvl, 13));
  }

  /** {@code btf_dump_mark_referenced}: anonymous enums nobody references are top-level. */
  private void markReferenced() {
    for (int id = 1; id < btf.typeCount(); id++) {
      RawType t = btf.raw(id);
      BtfKind k = t.kind();
      int[] d = t.data();
      if (k == null) {
        continue;
      }
      switch (k) {
        case VOLATILE:
        case CONST:
        case RESTRICT:
        case PTR:
        case TYPEDEF:
        case FUNC:
        case VAR:
        case DECL_TAG:
        case TYPE_TAG:
          referenced[t.sizeOrType()] = true;
          break;
        case ARRAY:
          referenced[d[1]] = true;
          referenced[d[0]] = true;
          break;
        case STRUCT:
        case UNION:
        case DATASEC:
          for (int j = 0; j < t.vlen(); j++) {
            referenced[d[3 * j + (k == BtfKind.DATASEC ? 0 : 1)]] = true;
          }
          break;
        case FUNC_PROTO:
          for (int j = 0; j < t.vlen(); j++) {
            referenced[d[2 * j + 1]] = true;
          }
          break;
        default:
          break;
      }
    }
  }

  private void enqueue(int id) {
    if (emitQueueCount == emitQueue.length) {
      emitQueue = java.util.Arrays.copyOf(emitQueue, emitQueue.length * 2);
    }
    emitQueue[emitQueueCount++] = id;
  }

  /**
   * {@code btf_dump_order_type}: 1 when {@code id} is part of a strong link (must be fully defined
   * first), 0 for a weak link (a forward declaration will do), -1 for an unsatisfiable loop.
   */
  private int orderType(int id, boolean throughPtr) {
    enter(id);
    try {
      return orderTypeUnguarded(id, throughPtr);
    } finally {
      leave();
    }
  }

  private int orderTypeUnguarded(int id, boolean throughPtr) {
    if (orderState[id] == ORDERED) {
      return 1;
    }
    RawType t = btf.raw(id);
    BtfKind k = t.kind();
    boolean composite = k == BtfKind.STRUCT || k == BtfKind.UNION;
    if (orderState[id] == ORDERING) {
      if (composite && throughPtr && t.nameOff() != 0) {
        return 0; // a loop, resolvable through a forward declaration
      }
      return -1;
    }
    if (k == null) {
      return -1;
    }
    int[] d = t.data();
    switch (k) {
      case INT:
      case FLOAT:
        orderState[id] = ORDERED;
        return 0;
      case PTR:
        {
          int err = orderType(t.sizeOrType(), true);
          orderState[id] = ORDERED;
          return err;
        }
      case ARRAY:
        return orderType(d[0], false);
      case STRUCT:
      case UNION:
        if (throughPtr && t.nameOff() != 0) {
          return 0;
        }
        orderState[id] = ORDERING;
        for (int i = 0; i < t.vlen(); i++) {
          if (orderType(d[3 * i + 1], false) < 0) {
            return -1;
          }
        }
        if (t.nameOff() != 0) {
          enqueue(id);
        }
        orderState[id] = ORDERED;
        return 1;
      case ENUM:
      case ENUM64:
      case FWD:
        if (t.nameOff() != 0 || !referenced[id]) {
          enqueue(id);
        }
        orderState[id] = ORDERED;
        return 1;
      case TYPEDEF:
        {
          int strong = orderType(t.sizeOrType(), throughPtr);
          if (strong < 0) {
            return strong;
          }
          if (throughPtr && strong == 0) {
            return 0;
          }
          enqueue(id);
          orderState[id] = ORDERED;
          return 1;
        }
      case VOLATILE:
      case CONST:
      case RESTRICT:
      case TYPE_TAG:
        return orderType(t.sizeOrType(), throughPtr);
      case FUNC_PROTO:
        {
          int err = orderType(t.sizeOrType(), throughPtr);
          if (err < 0) {
            return err;
          }
          boolean strong = err > 0;
          for (int i = 0; i < t.vlen(); i++) {
            err = orderType(d[2 * i + 1], throughPtr);
            if (err < 0) {
              return err;
            }
            strong |= err > 0;
          }
          return strong ? 1 : 0;
        }
      case FUNC:
      case VAR:
      case DATASEC:
      case DECL_TAG:
        orderState[id] = ORDERED;
        return 0;
      default:
        return -1;
    }
  }

  /** {@code btf_dump_is_blacklisted}: __builtin_va_list is the compiler's own. */
  private boolean isBlacklisted(int id) {
    RawType t = btf.raw(id);
    return t.nameOff() != 0 && nameOf(t.nameOff()).equals("__builtin_va_list");
  }

  /** {@code btf_dump_emit_type}: {@code contId} is the struct being defined (0 at top level). */
  void emitType(int id, int contId) {
    enter(id);
    try {
      emitTypeUnguarded(id, contId);
    } finally {
      leave();
    }
  }

  private void emitTypeUnguarded(int id, int contId) {
    if (emitState[id] == EMITTED) {
      return;
    }
    RawType t = btf.raw(id);
    BtfKind k = t.kind();
    boolean topLevel = contId == 0;
    if (k == null) {
      return;
    }
    if (emitState[id] == EMITTING) {
      if (fwdEmitted[id]) {
        return;
      }
      if (k == BtfKind.STRUCT || k == BtfKind.UNION) {
        if (id == contId || t.nameOff() == 0) {
          return; // self reference needs nothing; an anonymous loop cannot be declared
        }
        emitStructFwd(id, t);
        out.append(";\n\n");
        fwdEmitted[id] = true;
      } else if (k == BtfKind.TYPEDEF) {
        if (!isBlacklisted(id)) {
          emitTypedefDef(id, t, 0);
          out.append(";\n\n");
        }
        fwdEmitted[id] = true;
      }
      return;
    }
    int[] d = t.data();
    switch (k) {
      case INT:
        emitMissingAliases(id);
        emitState[id] = EMITTED;
        break;
      case ENUM:
      case ENUM64:
        if (topLevel) {
          emitEnumDef(id, t, 0);
          out.append(";\n\n");
        }
        emitState[id] = EMITTED;
        break;
      case PTR:
      case VOLATILE:
      case CONST:
      case RESTRICT:
      case TYPE_TAG:
        emitType(t.sizeOrType(), contId);
        break;
      case ARRAY:
        emitType(d[0], contId);
        break;
      case FWD:
        emitFwdDef(id, t);
        out.append(";\n\n");
        emitState[id] = EMITTED;
        break;
      case TYPEDEF:
        emitState[id] = EMITTING;
        emitType(t.sizeOrType(), id);
        if (!fwdEmitted[id] && !isBlacklisted(id)) {
          emitTypedefDef(id, t, 0);
          out.append(";\n\n");
        }
        emitState[id] = EMITTED;
        break;
      case STRUCT:
      case UNION:
        emitState[id] = EMITTING;
        if (topLevel || t.nameOff() == 0) {
          int newCont = t.nameOff() == 0 ? contId : id;
          for (int i = 0; i < t.vlen(); i++) {
            emitType(d[3 * i + 1], newCont);
          }
        } else if (!fwdEmitted[id] && id != contId) {
          emitStructFwd(id, t);
          out.append(";\n\n");
          fwdEmitted[id] = true;
        }
        if (topLevel) {
          decl.emitStructDef(id, t, 0);
          out.append(";\n\n");
          emitState[id] = EMITTED;
        } else {
          emitState[id] = NOT_EMITTED;
        }
        break;
      case FUNC_PROTO:
        emitType(t.sizeOrType(), contId);
        for (int i = 0; i < t.vlen(); i++) {
          emitType(d[2 * i + 1], contId);
        }
        break;
      default:
        break;
    }
  }

  /** GCC's __PolyX_t typedefs for Arm SIMD have no definition; alias them. */
  private static final String[][] MISSING_BASE_TYPES = {
    {"__Poly8_t", "unsigned char"},
    {"__Poly16_t", "unsigned short"},
    {"__Poly64_t", "unsigned long long"},
    {"__Poly128_t", "unsigned __int128"},
  };

  private void emitMissingAliases(int id) {
    String name = typeName(id);
    for (String[] alias : MISSING_BASE_TYPES) {
      if (name.equals(alias[0])) {
        out.append("typedef ").append(alias[1]).append(' ').append(name).append(";\n\n");
        break;
      }
    }
  }

  void emitStructFwd(int id, RawType t) {
    out.append(t.kind() == BtfKind.STRUCT ? "struct" : "union")
        .append(t.nameOff() != 0 ? " " : "")
        .append(typeName(id));
  }

  void emitEnumFwd(int id) {
    out.append("enum ").append(typeName(id));
  }

  void emitFwdDef(int id, RawType t) {
    out.append(t.kindFlag() ? "union " : "struct ").append(typeName(id));
  }

  void emitTypedefDef(int id, RawType t, int lvl) {
    String name = identName(id);
    // old GCC emits __gnuc_va_list as a typedef of void; libbpf rewrites it
    if (t.sizeOrType() == 0 && name.equals("__gnuc_va_list")) {
      out.append("typedef __builtin_va_list __gnuc_va_list");
      return;
    }
    out.append("typedef ");
    decl.emitTypeDecl(t.sizeOrType(), name, lvl);
  }

  /** {@code btf_dump_emit_enum_def}, with mode(byte)/mode(word) for odd sizes. */
  void emitEnumDef(int id, RawType t, int lvl) {
    int vlen = t.vlen();
    out.append("enum").append(t.nameOff() != 0 ? " " : "").append(typeName(id));
    if (vlen == 0) {
      return;
    }
    out.append(" {");
    int[] d = t.data();
    boolean signed = t.kindFlag();
    boolean is64 = t.kind() == BtfKind.ENUM64;
    for (int i = 0; i < vlen; i++) {
      String name = nameOf(d[(is64 ? 3 : 2) * i]);
      int dups = names.identDups(name);
      out.append('\n').append(pfx(lvl + 1)).append(name);
      if (dups > 1) {
        out.append("___").append(dups);
      }
      out.append(" = ");
      if (is64) {
        long v = Integer.toUnsignedLong(d[3 * i + 1]) | ((long) d[3 * i + 2] << 32);
        out.append(signed ? Long.toString(v) + "LL" : Long.toUnsignedString(v) + "ULL");
      } else {
        int v = d[2 * i + 1];
        out.append(signed ? Integer.toString(v) : Integer.toUnsignedString(v));
      }
      out.append(',');
    }
    out.append('\n').append(pfx(lvl)).append('}');
    if (!enumModeAttributes) {
      return;
    }
    if (t.sizeOrType() == 1) {
      out.append(" __attribute__((mode(byte)))");
    } else if (t.sizeOrType() == 8 && ptrSize == 8) {
      boolean needsWordMode = true;
      if (is64) {
        for (int i = 0; i < vlen; i++) {
          if (d[3 * i + 2] != 0) {
            needsWordMode = false;
            break;
          }
        }
      }
      if (needsWordMode) {
        out.append(" __attribute__((mode(word)))");
      }
    }
  }

  String typeName(int id) {
    return names.typeName(id);
  }

  String identName(int id) {
    return names.identName(id);
  }

  /** {@code btf__align_of}, 0 where libbpf would return an error. */
  int alignOf(int id) {
    try {
      return btf.alignOf(id);
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** {@code btf__resolve_size}, -1 where libbpf would return an error. */
  long sizeOf(int id) {
    try {
      return btf.sizeOf(id);
    } catch (RuntimeException e) {
      return -1;
    }
  }
}
