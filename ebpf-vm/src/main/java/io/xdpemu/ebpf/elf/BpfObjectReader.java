package io.xdpemu.ebpf.elf;

import io.xdpemu.ebpf.MalformedInputException;
import io.xdpemu.ebpf.UsageException;
import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfExt;
import io.xdpemu.ebpf.btf.BtfKind;
import io.xdpemu.ebpf.btf.BtfType;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.maps.MapDefinition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code clang -O2 -g -target bpf} object into a {@link BpfObject}, following libbpf's
 * bpf_object__open: programs are the function symbols of executable sections other than {@code
 * .text} (several per section allowed); {@code .text} holds subprograms; maps come from {@code
 * .maps} (BTF-defined), the legacy {@code maps} section, and one array map per global-data section.
 */
public final class BpfObjectReader {
  private BpfObjectReader() {}

  public static BpfObject read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UsageException("cannot read " + file + ": " + e.getMessage());
    }
    return read(file.toString(), bytes);
  }

  /** Parses {@code bytes}; {@code fileName} names the object in messages. */
  public static BpfObject read(String fileName, byte[] bytes) {
    ElfFile elf = ElfFile.parse(fileName, bytes);
    ElfSection btfSec = elf.sectionByName(".BTF");
    ElfSection extSec = elf.sectionByName(".BTF.ext");
    byte[] btf = btfSec == null ? null : elf.contents(btfSec);
    byte[] btfExt = extSec == null ? null : elf.contents(extSec);
    Btf objectBtf = BtfMapReader.parseObjectBtf(elf, btf);
    BtfExt ext = null;
    if (btfExt != null) {
      if (objectBtf == null) {
        throw elf.fail("section .BTF.ext without .BTF");
      }
      try {
        ext = BtfExt.parse(btfExt, objectBtf, ".BTF.ext");
      } catch (MalformedInputException e) {
        throw elf.fail("section .BTF.ext: " + e.getMessage());
      }
    }

    List<MapDefinition> maps = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Map<String, Integer> mapIndex = new HashMap<>();
    ElfSection legacy = elf.sectionByName("maps");
    if (legacy != null) {
      for (MapDefinition m :
          LegacyMapReader.read(elf, legacy, samplesLayout(objectBtf), warnings)) {
        addMap(elf, maps, mapIndex, m);
      }
    }
    ElfSection btfMaps = elf.sectionByName(".maps");
    if (btfMaps != null) {
      for (MapDefinition m : BtfMapReader.read(elf, btfMaps, objectBtf)) {
        addMap(elf, maps, mapIndex, m);
      }
    }
    Map<Integer, Integer> dataMapBySection = new HashMap<>();
    for (ElfSection s : elf.sections()) {
      if (isGlobalData(s)) {
        if (s.size() > MAX_GLOBAL_DATA) {
          throw elf.fail(
              s + ": " + s.size() + " bytes of global data (limit " + MAX_GLOBAL_DATA + ")");
        }
        byte[] init = s.type() == ElfSection.SHT_NOBITS ? null : elf.contents(s);
        boolean ro = s.name().startsWith(".rodata");
        // libbpf bpf_object__init_internal_map: ARRAY of one element, value = the section,
        // BPF_F_MMAPABLE, and BPF_F_RDONLY_PROG for .rodata.
        int flags = BPF_F_MMAPABLE | (ro ? BPF_F_RDONLY_PROG : 0);
        dataMapBySection.put(s.index(), maps.size());
        addMap(
            elf,
            maps,
            mapIndex,
            new MapDefinition(
                s.name(),
                BPF_MAP_TYPE_ARRAY,
                4,
                (int) s.size(),
                1,
                flags,
                0,
                datasecId(objectBtf, s.name()),
                0,
                init == null ? new byte[(int) s.size()] : init,
                null,
                null,
                ro));
      }
    }

    ProgramLinker.MapResolver resolver =
        (sym, imm) -> {
          Integer dataIdx = dataMapBySection.get(sym.shndx());
          if (dataIdx != null) {
            MapDefinition m = maps.get(dataIdx);
            return new ProgramLinker.ResolvedMap(dataIdx, m.name(), true, m.valueSize());
          }
          boolean mapSection =
              (legacy != null && sym.shndx() == legacy.index())
                  || (btfMaps != null && sym.shndx() == btfMaps.index());
          if (!mapSection) {
            return null;
          }
          String name = sym.name();
          if (sym.type() == ElfSymbol.STT_SECTION) {
            name = symbolAt(elf, sym.shndx(), imm);
          }
          Integer idx = mapIndex.get(name);
          return idx == null ? null : new ProgramLinker.ResolvedMap(idx, name, false, 0);
        };

    Map<Integer, List<ElfFunction>> functions = collectFunctions(elf);
    ElfSection text = elf.sectionByName(".text");
    List<ElfFunction> textFunctions =
        text == null ? List.of() : functions.getOrDefault(text.index(), List.of());
    List<ProgramSpec> programs = new ArrayList<>();
    for (Map.Entry<Integer, List<ElfFunction>> e : functions.entrySet()) {
      if (text != null && e.getKey() == text.index()) {
        continue;
      }
      for (ElfFunction f : e.getValue()) {
        if (!f.global()) {
          // libbpf bpf_object__add_programs: "program '%s' is static and not supported"
          throw elf.fail(f.section() + ": program '" + f.name() + "' is static (not supported)");
        }
        programs.add(ProgramLinker.link(elf, f, textFunctions, resolver, ext));
      }
    }
    return new BpfObject(
        fileName,
        List.copyOf(programs),
        List.copyOf(maps),
        license(elf),
        kernelVersion(elf),
        btf,
        btfExt,
        objectBtf,
        ext,
        globalOffsets(elf, dataMapBySection.keySet()),
        List.copyOf(warnings));
  }

  /** Section name to variable name to offset, from the ELF symbols of global-data sections. */
  private static Map<String, Map<String, Integer>> globalOffsets(
      ElfFile elf, java.util.Set<Integer> sections) {
    Map<String, Map<String, Integer>> out = new HashMap<>();
    for (ElfSymbol s : elf.symbols()) {
      if (sections.contains(s.shndx())
          && s.type() != ElfSymbol.STT_SECTION
          && !s.name().isEmpty()
          && s.value() >= 0
          && s.value() <= Integer.MAX_VALUE) {
        String section = elf.sections().get(s.shndx()).name();
        out.computeIfAbsent(section, k -> new HashMap<>()).put(s.name(), (int) s.value());
      }
    }
    return Map.copyOf(out);
  }

  static final int BPF_MAP_TYPE_ARRAY = 2;

  /** Larger than any array map value the kernel accepts (KMALLOC_MAX_SIZE class). */
  static final long MAX_GLOBAL_DATA = 1 << 26;

  static final int BPF_F_RDONLY_PROG = 1 << 7;
  static final int BPF_F_MMAPABLE = 1 << 10;

  /** libbpf bpf_object__elf_collect: .data*, .rodata* (non-empty PROGBITS) and .bss* (NOBITS). */
  static boolean isGlobalData(ElfSection s) {
    String n = s.name();
    if (s.type() == ElfSection.SHT_PROGBITS && s.size() > 0 && !s.isExecutable()) {
      return n.equals(".data")
          || n.startsWith(".data.")
          || n.equals(".rodata")
          || n.startsWith(".rodata.");
    }
    return s.type() == ElfSection.SHT_NOBITS
        && s.size() > 0
        && (n.equals(".bss") || n.startsWith(".bss."));
  }

  /** libbpf gives a global-data map the section's DATASEC as value type (0 without BTF). */
  private static int datasecId(Btf btf, String section) {
    if (btf == null) {
      return 0;
    }
    int id = btf.find(section, BtfKind.DATASEC);
    return Math.max(id, 0);
  }

  /**
   * True when the object's BTF describes its {@code maps} entries with {@code struct bpf_map_def}
   * member names ({@code max_entries}) rather than iproute2's ({@code max_elem}).
   */
  private static boolean samplesLayout(Btf btf) {
    if (btf == null) {
      return false;
    }
    BtfType ds = btf.findType("maps", BtfKind.DATASEC);
    if (!(ds instanceof BtfType.Datasec) || ((BtfType.Datasec) ds).vars().isEmpty()) {
      return false;
    }
    try {
      BtfType v = btf.type(((BtfType.Datasec) ds).vars().get(0).type());
      BtfType st = btf.resolveType(v.ref());
      return st instanceof BtfType.Struct
          && ((BtfType.Struct) st).members().stream().anyMatch(m -> m.name().equals("max_entries"));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void addMap(
      ElfFile elf, List<MapDefinition> maps, Map<String, Integer> index, MapDefinition m) {
    if (index.putIfAbsent(m.name(), maps.size()) != null) {
      throw elf.fail("two maps are called '" + m.name() + "'");
    }
    maps.add(m);
  }

  private static String symbolAt(ElfFile elf, int shndx, long value) {
    for (ElfSymbol s : elf.symbols()) {
      if (s.shndx() == shndx && s.value() == value && s.type() != ElfSymbol.STT_SECTION) {
        return s.name();
      }
    }
    return null;
  }

  /** Function symbols of every executable section, sorted by address, with their relocations. */
  private static Map<Integer, List<ElfFunction>> collectFunctions(ElfFile elf) {
    Map<Integer, List<ElfRelocation>> relocsBySection = new HashMap<>();
    for (ElfSection s : elf.sections()) {
      if (s.type() == ElfSection.SHT_REL) {
        ElfSection target = elf.section(s.info());
        if (target.isExecutable()) {
          relocsBySection
              .computeIfAbsent(target.index(), k -> new ArrayList<>())
              .addAll(elf.relocations(s));
        }
      }
    }
    Map<Integer, List<ElfFunction>> out = new java.util.TreeMap<>();
    for (ElfSection s : elf.sections()) {
      if (!s.isExecutable() || s.size() == 0) {
        continue;
      }
      if (s.size() % 8 != 0) {
        throw elf.fail(s + ": size " + s.size() + " is not a multiple of 8 (instruction slots)");
      }
      byte[] code = elf.contents(s);
      ByteBuffer b = ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN);
      List<ElfRelocation> relocs = relocsBySection.getOrDefault(s.index(), List.of());
      for (ElfRelocation r : relocs) {
        if (r.offset() % 8 != 0 || r.offset() < 0 || r.offset() >= code.length) {
          throw elf.fail(
              s
                  + ": relocation at offset 0x"
                  + Long.toHexString(r.offset())
                  + " is not on an instruction slot inside the section");
        }
      }
      List<ElfSymbol> syms = new ArrayList<>();
      for (ElfSymbol sym : elf.symbols()) {
        if (sym.shndx() == s.index() && sym.type() == ElfSymbol.STT_FUNC) {
          syms.add(sym);
        }
      }
      syms.sort(Comparator.comparingLong(ElfSymbol::value));
      List<ElfFunction> fns = new ArrayList<>();
      if (syms.isEmpty()) {
        // Older clang and iproute2 objects carry no STT_FUNC symbols: a program section is one
        // program named after its section, and .text is one block of subprograms that calls
        // reach at any instruction (libbpf < 1.0 appended .text whole).
        fns.add(wholeSection(elf, s, b, relocs));
      }
      for (ElfSymbol sym : syms) {
        if (sym.value() % 8 != 0
            || sym.size() % 8 != 0
            || sym.size() <= 0
            || sym.value() < 0
            || sym.value() > code.length - sym.size()) {
          throw elf.fail(
              s
                  + ": function '"
                  + sym.name()
                  + "' at offset 0x"
                  + Long.toHexString(sym.value())
                  + " size "
                  + sym.size()
                  + " is not a whole run of instruction slots inside the section");
        }
        int first = (int) (sym.value() / 8);
        int n = (int) (sym.size() / 8);
        Insn[] insns = new Insn[n];
        for (int i = 0; i < n; i++) {
          insns[i] = Insn.decode(b.getLong((first + i) * 8));
        }
        Map<Integer, ElfRelocation> own = new HashMap<>();
        for (ElfRelocation r : relocs) {
          long idx = r.offset() / 8 - first;
          if (idx >= 0 && idx < n) {
            own.put((int) idx, r);
          }
        }
        fns.add(
            new ElfFunction(
                sym.name(),
                s,
                first,
                insns,
                own,
                sym.bind() == ElfSymbol.STB_GLOBAL || sym.bind() == ElfSymbol.STB_WEAK,
                false));
      }
      out.put(s.index(), fns);
    }
    return out;
  }

  /** An executable section without function symbols as one function named after it. */
  private static ElfFunction wholeSection(
      ElfFile elf, ElfSection s, ByteBuffer b, List<ElfRelocation> relocs) {
    int n = (int) (s.size() / 8);
    Insn[] insns = new Insn[n];
    for (int i = 0; i < n; i++) {
      insns[i] = Insn.decode(b.getLong(i * 8));
    }
    Map<Integer, ElfRelocation> own = new HashMap<>();
    for (ElfRelocation r : relocs) {
      own.put((int) (r.offset() / 8), r);
    }
    return new ElfFunction(s.name(), s, 0, insns, own, true, true);
  }

  private static String license(ElfFile elf) {
    ElfSection s = elf.sectionByName("license");
    if (s == null) {
      return "";
    }
    byte[] b = elf.contents(s);
    int n = 0;
    while (n < b.length && b[n] != 0) {
      n++;
    }
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }

  private static int kernelVersion(ElfFile elf) {
    ElfSection s = elf.sectionByName("version");
    if (s == null) {
      return 0;
    }
    byte[] b = elf.contents(s);
    if (b.length != 4) {
      throw elf.fail(s + ": size " + b.length + " (expected a 4-byte kernel version)");
    }
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }
}
