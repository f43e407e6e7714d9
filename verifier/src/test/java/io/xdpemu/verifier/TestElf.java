package io.xdpemu.verifier;

import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import io.xdpemu.ebpf.maps.MapDefinition;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-only minimal reader of clang-built BPF objects (ELF64 LE): one program section plus
 * {@code .text}, BTF-defined maps from {@code .maps}, call/map relocations, global functions with
 * their BTF argument kinds. It exists only until the project's ELF loader lands; it is not the
 * loader and handles only what the verifier corpus needs.
 */
final class TestElf {
  record Section(String name, int type, long offset, long size, int link, int info, long entsize) {}

  record Sym(String name, long value, int shndx, int bind, int type) {}

  final ByteBuffer buf;
  final List<Section> sections = new ArrayList<>();
  final List<Sym> syms = new ArrayList<>();
  final Btf btf;

  TestElf(byte[] data) {
    buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    long shoff = buf.getLong(0x28);
    int shentsize = buf.getShort(0x3a) & 0xffff;
    int shnum = buf.getShort(0x3c) & 0xffff;
    int shstrndx = buf.getShort(0x3e) & 0xffff;
    List<long[]> raw = new ArrayList<>();
    for (int i = 0; i < shnum; i++) {
      int o = (int) (shoff + (long) i * shentsize);
      raw.add(
          new long[] {
            buf.getInt(o) & 0xffffffffL,
            buf.getInt(o + 4),
            buf.getLong(o + 0x18),
            buf.getLong(o + 0x20),
            buf.getInt(o + 0x28),
            buf.getInt(o + 0x2c),
            buf.getLong(o + 0x38)
          });
    }
    long strOff = raw.get(shstrndx)[2];
    for (long[] r : raw) {
      sections.add(
          new Section(cstr(strOff + r[0]), (int) r[1], r[2], r[3], (int) r[4], (int) r[5], r[6]));
    }
    for (Section s : sections) {
      if (s.type == 2) { // SHT_SYMTAB
        long strtab = sections.get(s.link).offset;
        for (long o = s.offset; o < s.offset + s.size; o += 24) {
          int nameOff = buf.getInt((int) o);
          int info = buf.get((int) o + 4) & 0xff;
          int shndx = buf.getShort((int) o + 6) & 0xffff;
          long value = buf.getLong((int) o + 8);
          syms.add(new Sym(cstr(strtab + nameOff), value, shndx, info >> 4, info & 0xf));
        }
      }
    }
    Section b = section(".BTF");
    btf = b == null ? null : new Btf(slice(b));
  }

  private ByteBuffer slice(Section s) {
    ByteBuffer d = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    d.position((int) s.offset).limit((int) (s.offset + s.size));
    return d.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  String cstr(long off) {
    int end = (int) off;
    while (buf.get(end) != 0) {
      end++;
    }
    return new String(buf.array(), (int) off, end - (int) off, StandardCharsets.UTF_8);
  }

  Section section(String name) {
    for (Section s : sections) {
      if (s.name.equals(name)) {
        return s;
      }
    }
    return null;
  }

  int sectionIndex(String name) {
    for (int i = 0; i < sections.size(); i++) {
      if (sections.get(i).name.equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private List<Insn> insnsOf(Section s) {
    List<Insn> out = new ArrayList<>();
    for (long o = s.offset; o < s.offset + s.size; o += 8) {
      out.add(Insn.decode(buf.getLong((int) o)));
    }
    return out;
  }

  /** A program ready for the verifier. */
  record Loaded(Insn[] insns, ProgramInfo info) {}

  Loaded load(String progSection) {
    int progIdx = sectionIndex(progSection);
    List<Insn> insns = new ArrayList<>(insnsOf(sections.get(progIdx)));
    int textIdx = sectionIndex(".text");
    int textBase = -1;
    if (textIdx >= 0 && sections.get(textIdx).size > 0) {
      textBase = insns.size();
      insns.addAll(insnsOf(sections.get(textIdx)));
    }
    Map<String, MapDefinition> maps = btf == null ? Map.of() : btf.maps();
    List<String> mapNames = new ArrayList<>(maps.keySet());
    Map<Integer, ProgramInfo.LdImm64Target> ld = new HashMap<>();
    int mapsIdx = sectionIndex(".maps");
    for (Section rs : sections) {
      if (rs.type != 9) { // SHT_REL
        continue;
      }
      int base;
      if (rs.info == progIdx) {
        base = 0;
      } else if (rs.info == textIdx && textBase >= 0) {
        base = textBase;
      } else {
        continue;
      }
      for (long o = rs.offset; o < rs.offset + rs.size; o += 16) {
        long roff = buf.getLong((int) o);
        long rinfo = buf.getLong((int) o + 8);
        Sym sym = syms.get((int) (rinfo >>> 32));
        int pc = base + (int) (roff / 8);
        Insn insn = insns.get(pc);
        if (insn.opcode() == Opcodes.LD_IMM64 && sym.shndx == mapsIdx) {
          MapDefinition def = maps.get(sym.name);
          ld.put(pc, new ProgramInfo.LdImm64Target(mapNames.indexOf(sym.name), def, -1));
          insns.set(pc, insn.withSrc(Opcodes.PSEUDO_MAP_FD));
        } else if (insn.opcode() == Opcodes.CALL_OP && sym.shndx == textIdx) {
          int sub = (int) (sym.value / 8) + insn.imm() + 1;
          int target = textBase + sub;
          insns.set(pc, insn.withSrc(Opcodes.PSEUDO_CALL).withImm(target - pc - 1));
        }
      }
    }
    List<ProgramInfo.FunctionInfo> fns = new ArrayList<>();
    for (Sym s : syms) {
      if (s.type != 2) { // STT_FUNC
        continue;
      }
      int start;
      if (s.shndx == progIdx) {
        start = (int) (s.value / 8);
      } else if (s.shndx == textIdx && textBase >= 0) {
        start = textBase + (int) (s.value / 8);
      } else {
        continue;
      }
      boolean global = s.bind == 1 && start != 0;
      List<ProgramInfo.ArgKind> kinds = new ArrayList<>();
      List<Integer> sizes = new ArrayList<>();
      if (global && btf != null) {
        btf.funcArgs(s.name, kinds, sizes);
      }
      fns.add(new ProgramInfo.FunctionInfo(start, s.name, global, kinds, sizes, true));
    }
    Insn[] arr = insns.toArray(new Insn[0]);
    ProgramInfo info =
        new ProgramInfo() {
          @Override
          public LdImm64Target ldImm64(int pc) {
            return ld.get(pc);
          }

          @Override
          public List<FunctionInfo> functions() {
            return fns;
          }
        };
    return new Loaded(arr, info);
  }

  /** Just enough BTF: type sizes, .maps definitions, FUNC prototypes. */
  static final class Btf {
    final List<int[]> types = new ArrayList<>();
    final List<String> names = new ArrayList<>();
    final List<int[][]> members = new ArrayList<>();

    Btf(ByteBuffer b) {
      int hdrLen = b.getInt(4);
      int typeOff = b.getInt(8);
      int typeLen = b.getInt(12);
      int strOff = b.getInt(16);
      int strBase = hdrLen + strOff;
      types.add(new int[] {0, 0});
      names.add("");
      members.add(new int[0][]);
      int p = hdrLen + typeOff;
      int end = p + typeLen;
      while (p < end) {
        int nameOff = b.getInt(p);
        int info = b.getInt(p + 4);
        int st = b.getInt(p + 8);
        int kind = (info >>> 24) & 0x1f;
        int vlen = info & 0xffff;
        p += 12;
        int[][] mem = new int[0][];
        switch (kind) {
          case 1:
          case 14:
          case 17:
            p += 4;
            break;
          case 3:
            mem = new int[][] {{b.getInt(p), b.getInt(p + 8)}};
            p += 12;
            break;
          case 4:
          case 5:
          case 15:
            mem = new int[vlen][];
            for (int i = 0; i < vlen; i++) {
              mem[i] = new int[] {b.getInt(p), b.getInt(p + 4), b.getInt(p + 8)};
              p += 12;
            }
            break;
          case 6:
            p += 8 * vlen;
            break;
          case 19:
            p += 12 * vlen;
            break;
          case 13:
            mem = new int[vlen][];
            for (int i = 0; i < vlen; i++) {
              mem[i] = new int[] {b.getInt(p), b.getInt(p + 4)};
              p += 8;
            }
            break;
          default:
            break;
        }
        types.add(new int[] {kind, st});
        names.add(str(b, strBase + nameOff));
        members.add(mem);
      }
      this.strBuf = b;
      this.strBase = strBase;
    }

    private final ByteBuffer strBuf;
    private final int strBase;

    private static String str(ByteBuffer b, int off) {
      int e = off;
      while (b.get(e) != 0) {
        e++;
      }
      byte[] bytes = new byte[e - off];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = b.get(off + i);
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }

    private String name(int off) {
      return str(strBuf, strBase + off);
    }

    int skipMods(int id) {
      while (true) {
        int k = types.get(id)[0];
        if (k == 8 || k == 9 || k == 10 || k == 11 || k == 18) {
          id = types.get(id)[1];
        } else {
          return id;
        }
      }
    }

    long size(int id) {
      id = skipMods(id);
      int[] t = types.get(id);
      switch (t[0]) {
        case 1:
        case 4:
        case 5:
        case 6:
        case 16:
        case 19:
          return t[1];
        case 2:
          return 8;
        case 3:
          return members.get(id)[0][1] * size(members.get(id)[0][0]);
        default:
          return 0;
      }
    }

    Map<String, MapDefinition> maps() {
      Map<String, MapDefinition> out = new java.util.LinkedHashMap<>();
      for (int id = 1; id < types.size(); id++) {
        if (types.get(id)[0] != 15 || !names.get(id).equals(".maps")) {
          continue;
        }
        for (int[] v : members.get(id)) {
          int var = v[0];
          String mapName = names.get(var);
          int st = skipMods(types.get(var)[1]);
          int type = 0;
          int maxEntries = 0;
          int keySize = 0;
          int valueSize = 0;
          for (int[] m : members.get(st)) {
            String field = name(m[0]);
            int ptr = skipMods(m[1]);
            int target = types.get(ptr)[1];
            switch (field) {
              case "type":
                type = members.get(skipMods(target))[0][1];
                break;
              case "max_entries":
                maxEntries = members.get(skipMods(target))[0][1];
                break;
              case "key_size":
                keySize = members.get(skipMods(target))[0][1];
                break;
              case "value_size":
                valueSize = members.get(skipMods(target))[0][1];
                break;
              case "key":
                keySize = (int) size(target);
                break;
              case "value":
                valueSize = (int) size(target);
                break;
              default:
                break;
            }
          }
          out.put(
              mapName,
              new MapDefinition(
                  mapName, type, keySize, valueSize, maxEntries, 0, 0, 0, 0, null, null, null,
                  false));
        }
      }
      return out;
    }

    void funcArgs(String func, List<ProgramInfo.ArgKind> kinds, List<Integer> sizes) {
      for (int id = 1; id < types.size(); id++) {
        if (types.get(id)[0] != 12 || !names.get(id).equals(func)) {
          continue;
        }
        int proto = types.get(id)[1];
        for (int[] param : members.get(proto)) {
          int t = skipMods(param[1]);
          int k = types.get(t)[0];
          if (k == 2) {
            int pointee = skipMods(types.get(t)[1]);
            if (types.get(pointee)[0] == 4 && names.get(pointee).equals("xdp_md")) {
              kinds.add(ProgramInfo.ArgKind.CTX);
              sizes.add(0);
            } else {
              kinds.add(ProgramInfo.ArgKind.MEM);
              sizes.add((int) size(pointee));
            }
          } else if (k == 1 || k == 6 || k == 19) {
            kinds.add(ProgramInfo.ArgKind.SCALAR);
            sizes.add(0);
          } else {
            kinds.add(ProgramInfo.ArgKind.UNSUPPORTED);
            sizes.add(0);
          }
        }
        return;
      }
    }
  }
}
