package io.xdpemu.ebpf.core;

import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfKind;
import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.ebpf.elf.ProgramSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CO-RE relocation of a whole object with libbpf's rules (libbpf.c bpf_object__relocate_core,
 * relo_core.c bpf_core_calc_relo_insn): every .BTF.ext core_relo record, in file order, is resolved
 * once against the target BTF - candidates by essential name and kind, each matched and computed,
 * all matching candidates required to agree, the candidate list of the local type pruned to the
 * matching ones for later records (libbpf's cand_cache) - giving a {@link CoreFixup}. Only then are
 * instructions patched ({@link CorePatcher}), in every program that holds a copy of the relocated
 * instruction (a subprogram appended to several programs is patched in each).
 */
public final class CoreRelocator {
  private final BpfObject object;
  private final CoreTarget target;
  private final Map<Integer, List<Integer>> candidateCache = new HashMap<>();

  private CoreRelocator(BpfObject object, CoreTarget target) {
    this.object = object;
    this.target = target;
  }

  /** One record's decision, before patching. */
  record Decision(CoreRelocationRecord record, CoreFixup fixup, String localSpec) {}

  /**
   * Relocates every program of {@code object}, as libbpf does when it loads the whole object: a
   * relocation error anywhere fails all. Keyed by program name, in object order.
   */
  public static Map<String, RelocatedProgram> relocate(BpfObject object, CoreTarget target) {
    CoreRelocator r = new CoreRelocator(object, target);
    List<Decision> decisions = new ArrayList<>();
    for (CoreRelocationRecord rec : CoreRelocationRecords.of(object)) {
      decisions.add(r.resolve(rec));
    }
    Map<String, RelocatedProgram> out = new LinkedHashMap<>();
    for (ProgramSpec p : object.programs()) {
      out.put(p.name(), CorePatcher.patch(p, decisions));
    }
    return out;
  }

  /**
   * Relocates the program called {@code name} (function or section name, see BpfObject#program)
   * alone: only records inside its code (its subprograms included) are resolved, as libbpf does
   * when every other program's autoload is off ({@code --prog NAME}).
   */
  public static RelocatedProgram relocate(BpfObject object, CoreTarget target, String name) {
    ProgramSpec p = object.program(name);
    CoreRelocator r = new CoreRelocator(object, target);
    List<Decision> decisions = new ArrayList<>();
    for (CoreRelocationRecord rec : CoreRelocationRecords.of(object)) {
      if (p.pcsOf(rec.section(), Integer.toUnsignedLong(rec.insnOff())).length > 0) {
        decisions.add(r.resolve(rec));
      }
    }
    return CorePatcher.patch(p, decisions);
  }

  private String programOf(CoreRelocationRecord rec) {
    for (ProgramSpec p : object.programs()) {
      for (ProgramSpec.CodeSegment s : p.segments()) {
        if (s.pcOf(rec.section(), rec.insnOff()) >= 0) {
          return s.function();
        }
      }
    }
    return rec.section();
  }

  private Decision resolve(CoreRelocationRecord rec) {
    Btf local = object.types();
    CoreRecordContext ctx = new CoreRecordContext(programOf(rec), rec.index(), rec.insnOff() / 8);
    CoreKind kind = CoreKind.of(rec.kind());
    if (rec.insnOff() % 8 != 0) {
      throw new CoreRelocationException(
          ctx.prefix() + "insn_off " + rec.insnOff() + " is not a multiple of 8");
    }
    if (rec.typeId() <= 0 || rec.typeId() >= local.typeCount()) {
      throw new CoreRelocationException(
          ctx.prefix() + "type id " + rec.typeId() + " not in the object's BTF");
    }
    if (kind == null) {
      throw new CoreRelocationException(
          ctx.prefix()
              + "unrecognized CO-RE relocation kind "
              + rec.kind()
              + " at insn #"
              + ctx.insnIndex());
    }
    String localName = local.typeName(rec.typeId());
    CoreSpec localSpec;
    try {
      localSpec = CoreSpecs.parse(local, rec.typeId(), rec.accessString(), kind);
    } catch (CoreTypes.Invalid e) {
      throw new CoreRelocationException(
          ctx.prefix()
              + "parsing ["
              + rec.typeId()
              + "] "
              + CoreTypes.kindString(local, rec.typeId())
              + " "
              + (localName.isEmpty() ? "<anon>" : localName)
              + " + "
              + rec.accessString()
              + " failed: "
              + e.getMessage());
    }
    String formatted = localSpec.format();
    if (kind == CoreKind.TYPE_ID_LOCAL) {
      // needs no candidates; the id may change at link time, so it is not validated
      return new Decision(
          rec,
          new CoreFixup(rec.typeId(), rec.typeId(), false, false, false, 0, 0, 0, 0),
          formatted);
    }
    if (localName.isEmpty()) {
      throw new CoreRelocationException(
          ctx.prefix()
              + "<"
              + kind.label()
              + "> ("
              + kind.number()
              + ") relocation doesn't support anonymous types");
    }
    try {
      return new Decision(rec, decide(ctx, rec, localSpec), formatted);
    } catch (CoreTypes.Invalid e) {
      throw new CoreRelocationException(ctx.prefix() + formatted + ": " + e.getMessage());
    }
  }

  /** bpf_core_calc_relo_insn's candidate loop. */
  private CoreFixup decide(CoreRecordContext ctx, CoreRelocationRecord rec, CoreSpec localSpec)
      throws CoreTypes.Invalid {
    Btf local = object.types();
    Btf tb = target.btf();
    List<Integer> cands = candidateCache.computeIfAbsent(rec.typeId(), id -> findCandidates(id));
    List<Integer> kept = new ArrayList<>();
    CoreFixup chosen = null;
    CoreSpec chosenSpec = null;
    for (int cand : cands) {
      CoreSpec candSpec = new CoreSpec(tb, cand, localSpec.kind);
      int m = CoreSpecs.match(localSpec, tb, cand, candSpec);
      if (m == 0) {
        continue;
      }
      CoreFixup f = CoreCalculator.calc(ctx, localSpec, candSpec);
      if (chosen == null) {
        chosen = f;
        chosenSpec = candSpec;
      } else if (candSpec.bitOffset != chosenSpec.bitOffset) {
        throw new CoreRelocationException(
            ctx.prefix()
                + "field offset ambiguity: "
                + candSpec.bitOffset
                + " != "
                + chosenSpec.bitOffset);
      } else if (f.poison() != chosen.poison() || f.newVal() != chosen.newVal()) {
        throw new CoreRelocationException(
            ctx.prefix()
                + "relocation decision ambiguity: "
                + (f.poison() ? "failure" : "success")
                + " "
                + Long.toUnsignedString(f.newVal())
                + " != "
                + (chosen.poison() ? "failure" : "success")
                + " "
                + Long.toUnsignedString(chosen.newVal()));
      }
      kept.add(cand);
    }
    if (!kept.isEmpty()) {
      candidateCache.put(rec.typeId(), kept);
      return chosen;
    }
    // no matching target: existence kinds give 0, the others poison the instruction
    return CoreCalculator.calc(ctx, localSpec, null);
  }

  /** bpf_core_find_cands / bpf_core_add_cands: same kind (enum ~ enum64), same essential name. */
  private List<Integer> findCandidates(int localId) {
    Btf local = object.types();
    BtfKind lk = local.kind(localId);
    String essential = CoreTypes.essentialName(local.typeName(localId));
    List<Integer> out = new ArrayList<>();
    for (int id : target.candidates(essential)) {
      if (CoreTypes.kindCompat(target.btf().kind(id), lk)) {
        out.add(id);
      }
    }
    return out;
  }
}
