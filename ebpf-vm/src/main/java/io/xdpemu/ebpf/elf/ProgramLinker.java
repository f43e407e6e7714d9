package io.xdpemu.ebpf.elf;

import io.xdpemu.ebpf.btf.BtfExt;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds one {@link ProgramSpec}: copies the entry function, appends every subprogram of {@code
 * .text} it reaches and rewrites calls, function addresses, map, global-data and extern references.
 * Mirrors libbpf's bpf_object__relocate / bpf_object__reloc_code / bpf_object__append_subprog_code
 * (depth first, each subprogram appended once per program) and bpf_program__record_reloc (which
 * relocation means what), so the layout equals libbpf's.
 */
final class ProgramLinker {
  /** Resolves the map referenced by a relocation symbol. */
  interface MapResolver {
    /** Index in the object's map list and the name, or null if the symbol is not a map/data. */
    ResolvedMap resolve(ElfSymbol symbol, long offsetInSection);
  }

  record ResolvedMap(int index, String name, boolean value, long valueSize) {}

  private final ElfFile elf;
  private final List<ElfFunction> textFunctions;
  private final MapResolver maps;
  private final List<Insn> out = new ArrayList<>();
  private final Map<ElfFunction, Integer> placed = new HashMap<>();
  private final List<ProgramSpec.MapReference> mapRefs = new ArrayList<>();
  private final List<ProgramSpec.ExternReference> externs = new ArrayList<>();
  private final List<ProgramSpec.CodeSegment> segments = new ArrayList<>();

  private ProgramLinker(ElfFile elf, List<ElfFunction> textFunctions, MapResolver maps) {
    this.elf = elf;
    this.textFunctions = textFunctions;
    this.maps = maps;
  }

  static ProgramSpec link(
      ElfFile elf,
      ElfFunction entry,
      List<ElfFunction> textFunctions,
      MapResolver maps,
      BtfExt ext) {
    ProgramLinker l = new ProgramLinker(elf, textFunctions, maps);
    l.append(entry);
    l.relocate(entry, 0);
    List<ProgramSpec.FuncInfoAt> funcs = new ArrayList<>();
    List<ProgramSpec.LineInfoAt> lines = new ArrayList<>();
    if (ext != null) {
      // like libbpf's adjust_prog_btf_ext_info: each appended copy brings its section's records
      for (ProgramSpec.CodeSegment s : l.segments) {
        for (BtfExt.FuncInfo f : ext.funcInfo(s.section())) {
          int pc = s.pcOf(s.section(), Integer.toUnsignedLong(f.insnOff()));
          if (pc >= 0) {
            funcs.add(new ProgramSpec.FuncInfoAt(pc, f.typeId()));
          }
        }
        for (BtfExt.LineInfo li : ext.lineInfo(s.section())) {
          int pc = s.pcOf(s.section(), Integer.toUnsignedLong(li.insnOff()));
          if (pc >= 0) {
            lines.add(new ProgramSpec.LineInfoAt(pc, li));
          }
        }
      }
      lines.sort(java.util.Comparator.comparingInt(ProgramSpec.LineInfoAt::pc));
      funcs.sort(java.util.Comparator.comparingInt(ProgramSpec.FuncInfoAt::pc));
    }
    return new ProgramSpec(
        entry.name(),
        entry.section().name(),
        l.out.toArray(new Insn[0]),
        List.copyOf(l.mapRefs),
        List.copyOf(l.externs),
        List.copyOf(l.segments),
        List.copyOf(funcs),
        List.copyOf(lines));
  }

  private int append(ElfFunction f) {
    int base = out.size();
    placed.put(f, base);
    for (Insn i : f.insns()) {
      out.add(i);
    }
    segments.add(
        new ProgramSpec.CodeSegment(
            base, f.insns().length, f.section().name(), f.sectionInsnOffset(), f.name()));
    return base;
  }

  private void relocate(ElfFunction f, int base) {
    for (int i = 0; i < f.insns().length; i++) {
      int pc = base + i;
      Insn insn = out.get(pc);
      ElfRelocation r = f.relocations().get(i);
      boolean ldImm64 = insn.opcode() == Opcodes.LD_IMM64;
      if (ldImm64 && i + 1 >= f.insns().length) {
        throw fail(f, i, "ld_imm64 without its second slot");
      }
      if (insn.opcode() == Opcodes.CALL_OP && insn.src() == Opcodes.PSEUDO_CALL) {
        if (r != null && r.symbol().isUndefined()) {
          externCall(f, i, pc, r);
        } else {
          linkCall(f, i, pc, r, false);
        }
      } else if (ldImm64 && r != null) {
        relocateLdImm64(f, i, pc, r);
      } else if (ldImm64 && insn.src() == Opcodes.PSEUDO_FUNC) {
        linkCall(f, i, pc, null, true);
      } else if (r != null) {
        throw fail(
            f,
            i,
            "relocation against '"
                + r.symbol().name()
                + "' on an instruction with code 0x"
                + Integer.toHexString(insn.opcode())
                + " (only call and ld_imm64 are relocatable)");
      }
      if (ldImm64) {
        i++;
      }
    }
  }

  private void externCall(ElfFunction f, int i, int pc, ElfRelocation r) {
    if (r.type() != ElfRelocation.R_BPF_64_32) {
      throw fail(f, i, "extern call relocation of type " + r.type() + " (expected R_BPF_64_32)");
    }
    out.set(pc, out.get(pc).withSrc(Opcodes.PSEUDO_KFUNC_CALL).withImm(0));
    externs.add(
        new ProgramSpec.ExternReference(
            pc,
            r.symbol().name(),
            ProgramSpec.ExternKind.FUNCTION,
            r.symbol().bind() == ElfSymbol.STB_WEAK));
  }

  /**
   * libbpf: with a relocation the target is {@code sym_off / 8 + imm + 1} for calls and {@code
   * (sym_off + imm) / 8} for function addresses; without one, {@code imm} is relative to the
   * instruction inside the same section. Subprograms must live in {@code .text}.
   */
  private void linkCall(ElfFunction f, int i, int pc, ElfRelocation r, boolean address) {
    Insn insn = out.get(pc);
    long target;
    if (r != null) {
      ElfSymbol s = r.symbol();
      if (s.shndx() != textIndex()) {
        throw fail(f, i, "call relocation against '" + s.name() + "' outside .text");
      }
      target = address ? (s.value() + insn.imm()) / 8 : s.value() / 8 + insn.imm() + 1;
    } else {
      if (f.section().index() != textIndex()) {
        throw fail(f, i, "call without relocation outside .text (target not a .text subprogram)");
      }
      target = (long) f.sectionInsnOffset() + i + insn.imm() + 1;
    }
    ElfFunction callee = null;
    for (ElfFunction t : textFunctions) {
      if (t.sectionInsnOffset() == target
          || (t.wholeSection()
              && target >= t.sectionInsnOffset()
              && target < t.sectionInsnOffset() + t.insns().length)) {
        callee = t;
        break;
      }
    }
    if (callee == null) {
      throw fail(f, i, "call target .text insn " + target + " is not the start of a function");
    }
    Integer at = placed.get(callee);
    if (at == null) {
      at = append(callee);
      relocate(callee, at);
    }
    int entry = at + (int) (target - callee.sectionInsnOffset());
    out.set(pc, out.get(pc).withImm(entry - pc - 1));
  }

  private void relocateLdImm64(ElfFunction f, int i, int pc, ElfRelocation r) {
    ElfSymbol s = r.symbol();
    Insn first = out.get(pc);
    Insn second = out.get(pc + 1);
    if (r.type() != ElfRelocation.R_BPF_64_64) {
      throw fail(f, i, "ld_imm64 relocation of type " + r.type() + " (expected R_BPF_64_64)");
    }
    if (s.isUndefined()) {
      out.set(pc, first.withSrc(Opcodes.PSEUDO_BTF_ID).withImm(0));
      out.set(pc + 1, second.withImm(0));
      externs.add(
          new ProgramSpec.ExternReference(
              pc, s.name(), ProgramSpec.ExternKind.VARIABLE, s.bind() == ElfSymbol.STB_WEAK));
      return;
    }
    if (s.shndx() == textIndex()) {
      linkCall(f, i, pc, r, true);
      out.set(pc, out.get(pc).withSrc(Opcodes.PSEUDO_FUNC));
      return;
    }
    ResolvedMap m = maps.resolve(s, first.imm());
    if (m == null) {
      throw fail(
          f,
          i,
          "ld_imm64 relocation against '"
              + s.name()
              + "' in "
              + describeSection(s.shndx())
              + ", which is neither a map nor global data");
    }
    if (m.value()) {
      long offset = (long) first.imm() + s.value();
      if (offset < 0 || offset > m.valueSize()) {
        throw fail(f, i, "offset " + offset + " outside global data '" + m.name() + "'");
      }
      out.set(pc, first.withSrc(Opcodes.PSEUDO_MAP_VALUE).withImm(m.index()));
      out.set(pc + 1, second.withImm((int) offset));
      mapRefs.add(new ProgramSpec.MapReference(pc, m.name(), m.index(), (int) offset, true));
    } else {
      out.set(pc, first.withSrc(Opcodes.PSEUDO_MAP_FD).withImm(m.index()));
      out.set(pc + 1, second.withImm(0));
      mapRefs.add(new ProgramSpec.MapReference(pc, m.name(), m.index(), 0, false));
    }
  }

  private String describeSection(int shndx) {
    return shndx < elf.sections().size()
        ? elf.sections().get(shndx).toString()
        : "section " + shndx;
  }

  private int textIndex() {
    ElfSection text = elf.sectionByName(".text");
    return text == null ? -1 : text.index();
  }

  private RuntimeException fail(ElfFunction f, int i, String what) {
    return elf.fail(
        f.section()
            + " offset 0x"
            + Long.toHexString((f.sectionInsnOffset() + i) * 8L)
            + " (function "
            + f.name()
            + ", insn "
            + i
            + "): "
            + what);
  }
}
