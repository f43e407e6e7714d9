package io.xdpemu.runtime.layout;

import io.xdpemu.ebpf.XdpemuException;
import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.core.AppliedCoreRelocation;
import io.xdpemu.ebpf.core.CoreFixup;
import io.xdpemu.ebpf.core.CoreKind;
import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.ebpf.elf.BpfObjectReader;
import io.xdpemu.ebpf.elf.ProgramSpec;
import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.runtime.LoadOptions;
import io.xdpemu.runtime.LoadPipeline;
import io.xdpemu.runtime.TargetBtf;
import io.xdpemu.verifier.VerifierResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The layout lab ({@code xdpemu firmware check}): each program against each firmware layout - does
 * it load (CO-RE against the firmware's split BTF, then the verifier, with the verifier's reason
 * when not), and what every CO-RE relocation resolved to on each layout beside what the program was
 * compiled with: offset, size, existence, and so which fields moved, narrowed or vanished. A
 * relocation that could not be resolved is poisoned (libbpf's {@code call 0xbad2310}); whether the
 * verifier reached it says what a {@code bpf_core_field_exists} guard changed: not reached, the
 * guard turned the access into dead code and the program loads; reached, it is rejected.
 */
public final class LayoutCheck {
  /** A layout to check against: the firmware and its exported BTF. */
  public record Target(Path file, Firmware firmware, Btf btf) {
    public static Target of(Path file, Firmware fw, Path vmlinux) {
      return new Target(file, fw, TargetBtf.firmwareLayout(fw, vmlinux));
    }
  }

  /**
   * One relocation on one layout.
   *
   * @param value the resolved value (offset, size, 0/1 for existence), or the local one if poisoned
   * @param size the target field's size for a load/store (0 when not a memory access)
   * @param reached whether the verifier visited the instruction (null when it did not run)
   * @param changes what differs from the program's own (compiled-in) view
   */
  public record Resolved(
      long value, int size, boolean poisoned, Boolean reached, List<String> changes) {}

  /** One CO-RE relocation of a program: what the program was compiled with, and each layout. */
  public record Relocation(
      int pc, CoreKind kind, String spec, long localValue, int localSize, List<Resolved> layouts) {}

  /** Whether the program loads on one layout. */
  public record Verdict(
      boolean loads, String reason, int processed, int reachableInsns, int totalInsns) {}

  /** One program against every layout. */
  public record ProgramResult(
      Path object, String program, List<Verdict> verdicts, List<Relocation> relocations) {}

  private LayoutCheck() {}

  /**
   * Every program of each object (or the one {@code base.program()} names) against every target.
   *
   * @param base the common options (--prog, --vmlinux, --unprivileged); object and firmware vary
   */
  public static List<ProgramResult> check(
      List<Path> objects, List<Target> targets, LoadOptions base) {
    List<ProgramResult> out = new ArrayList<>();
    for (Path obj : objects) {
      BpfObject o = BpfObjectReader.read(obj);
      List<String> names = new ArrayList<>();
      if (base.program() != null) {
        names.add(o.program(base.program()).name());
      } else {
        for (ProgramSpec p : o.programs()) {
          names.add(p.name());
        }
      }
      for (String name : names) {
        out.add(checkOne(obj, name, targets, base));
      }
    }
    return out;
  }

  private static ProgramResult checkOne(
      Path obj, String program, List<Target> targets, LoadOptions base) {
    LoadOptions o =
        new LoadOptions(
            obj, program, null, null, base.vmlinux(), null, base.unprivileged(), null, null, true);
    List<Verdict> verdicts = new ArrayList<>();
    List<List<AppliedCoreRelocation>> applied = new ArrayList<>();
    List<boolean[]> visited = new ArrayList<>();
    for (Target t : targets) {
      try {
        LoadPipeline.Relocated r = LoadPipeline.relocate(o, t.btf());
        VerifierResult v = LoadPipeline.verify(o, r.object(), r.spec(), r.insns(), 1);
        int reachable = 0;
        for (boolean b : v.visited()) {
          reachable += b ? 1 : 0;
        }
        verdicts.add(
            new Verdict(
                v.accepted(),
                v.accepted() ? null : LoadPipeline.rejection(v, r.core()),
                v.insnProcessed(),
                reachable,
                r.insns().length));
        applied.add(r.core() == null ? List.of() : r.core().applied());
        visited.add(v.visited());
      } catch (XdpemuException e) {
        verdicts.add(new Verdict(false, e.getMessage(), 0, 0, 0));
        applied.add(null);
        visited.add(null);
      }
    }
    return new ProgramResult(obj, program, verdicts, relocations(applied, visited));
  }

  /**
   * Rows by relocation: the same object relocates the same records in the same order on every
   * layout, so the i-th applied relocation is the same one everywhere.
   */
  private static List<Relocation> relocations(
      List<List<AppliedCoreRelocation>> applied, List<boolean[]> visited) {
    List<AppliedCoreRelocation> first = null;
    for (List<AppliedCoreRelocation> a : applied) {
      if (a != null) {
        first = a;
        break;
      }
    }
    List<Relocation> rows = new ArrayList<>();
    if (first == null) {
      return rows;
    }
    for (int i = 0; i < first.size(); i++) {
      AppliedCoreRelocation r = first.get(i);
      CoreKind kind = CoreKind.of(r.record().kind());
      List<Resolved> cols = new ArrayList<>();
      for (int t = 0; t < applied.size(); t++) {
        List<AppliedCoreRelocation> a = applied.get(t);
        if (a == null || i >= a.size()) {
          cols.add(null);
          continue;
        }
        CoreFixup f = a.get(i).fixup();
        boolean[] seen = visited.get(t);
        Boolean reached = seen == null || r.pc() >= seen.length ? null : seen[r.pc()];
        cols.add(
            new Resolved(
                f.poison() ? f.origVal() : f.newVal(),
                f.newSize(),
                f.poison(),
                reached,
                changes(kind, r.fixup(), f)));
      }
      rows.add(
          new Relocation(
              r.pc(), kind, spec(r.localSpec()), r.fixup().origVal(), r.fixup().origSize(), cols));
    }
    return rows;
  }

  /** What a layout changes against the compiled-in view, for the kinds that describe fields. */
  static List<String> changes(CoreKind kind, CoreFixup local, CoreFixup f) {
    List<String> c = new ArrayList<>();
    if (f.poison()) {
      c.add(kind == CoreKind.FIELD_EXISTS || kind.isFieldBased() ? "vanished" : "missing");
      return c;
    }
    switch (kind) {
      case FIELD_BYTE_OFFSET:
        if (f.newVal() != f.origVal()) {
          c.add("moved " + f.origVal() + " -> " + f.newVal());
        }
        if (f.origSize() > 0 && f.newSize() < f.origSize()) {
          c.add("narrowed " + f.origSize() + " -> " + f.newSize());
        } else if (f.origSize() > 0 && f.newSize() > f.origSize()) {
          c.add("widened " + f.origSize() + " -> " + f.newSize());
        }
        break;
      case FIELD_BYTE_SIZE:
      case TYPE_SIZE:
        if (f.newVal() < f.origVal()) {
          c.add(
              (kind == CoreKind.TYPE_SIZE ? "shrank " : "narrowed ")
                  + f.origVal()
                  + " -> "
                  + f.newVal());
        } else if (f.newVal() > f.origVal()) {
          c.add(
              (kind == CoreKind.TYPE_SIZE ? "grew " : "widened ")
                  + f.origVal()
                  + " -> "
                  + f.newVal());
        }
        break;
      case FIELD_EXISTS:
      case TYPE_EXISTS:
      case ENUMVAL_EXISTS:
      case TYPE_MATCHES:
        if (f.newVal() == 0) {
          c.add("absent: the code it guards is skipped");
        }
        break;
      default:
        if (f.newVal() != f.origVal()) {
          c.add(f.origVal() + " -> " + f.newVal());
        }
    }
    return c;
  }

  /** {@code <byte_off> [8] struct m.hash (0:1 @ offset 8)} -> {@code struct m.hash}. */
  static String spec(String localSpec) {
    int open = localSpec.indexOf("] ");
    int paren = localSpec.lastIndexOf(" (");
    if (open < 0) {
      return localSpec;
    }
    return paren > open ? localSpec.substring(open + 2, paren) : localSpec.substring(open + 2);
  }
}
