package io.xdpemu.runtime.layout;

import io.xdpemu.nic.firmware.Firmware;
import java.util.ArrayList;
import java.util.List;

/** The layout lab's tables, as {@code firmware check} and {@code firmware diff} print them. */
public final class LayoutText {
  private LayoutText() {}

  /** "A = mynic 1.0.0 (file), struct mynic_metadata (32 bytes)" per layout. */
  public static String legend(List<LayoutCheck.Target> targets) {
    StringBuilder b = new StringBuilder("Layouts:\n");
    for (int i = 0; i < targets.size(); i++) {
      Firmware fw = targets.get(i).firmware();
      b.append("  ").append(letter(i)).append(" = ").append(fw.name()).append(' ');
      b.append(fw.version()).append(" (").append(targets.get(i).file()).append("), ");
      b.append(
          fw.metadata() == null
              ? "no metadata block (kernel mode)"
              : "struct " + fw.metadata().structName() + " (" + fw.metadataSize() + " bytes)");
      b.append('\n');
    }
    return b.toString();
  }

  static String letter(int i) {
    return i < 26 ? String.valueOf((char) ('A' + i)) : "L" + (i + 1);
  }

  /** One program: whether it loads on each layout, then its relocations side by side. */
  public static String program(LayoutCheck.ProgramResult p, int layouts) {
    StringBuilder b = new StringBuilder();
    b.append(p.program()).append(" (").append(p.object()).append(")\n");
    for (int i = 0; i < layouts; i++) {
      LayoutCheck.Verdict v = p.verdicts().get(i);
      b.append("  ").append(letter(i)).append(": ");
      if (v.loads()) {
        b.append("loads (processed ").append(v.processed()).append(" insns; ");
        b.append(v.reachableInsns()).append(" of ").append(v.totalInsns()).append(" reachable)");
      } else {
        b.append("does not load: ").append(v.reason());
      }
      b.append('\n');
    }
    if (p.relocations().isEmpty()) {
      b.append("  no CO-RE relocations\n");
      return b.toString();
    }
    List<String[]> rows = new ArrayList<>();
    List<String> head = new ArrayList<>(List.of("insn", "relocation", "field", "compiled"));
    for (int i = 0; i < layouts; i++) {
      head.add(letter(i));
    }
    head.add("changes");
    rows.add(head.toArray(String[]::new));
    for (LayoutCheck.Relocation r : p.relocations()) {
      List<String> row = new ArrayList<>();
      row.add("#" + r.pc());
      row.add(r.kind().label());
      row.add(r.spec());
      row.add(value(r.kind(), r.localValue(), r.localSize(), false));
      List<String> notes = new ArrayList<>();
      for (int i = 0; i < layouts; i++) {
        LayoutCheck.Resolved x = r.layouts().get(i);
        if (x == null) {
          row.add("-");
          continue;
        }
        String cell = value(r.kind(), x.value(), x.size(), x.poisoned());
        if (x.poisoned() && x.reached() != null) {
          cell += x.reached() ? " (reached)" : " (dead)";
        }
        row.add(cell);
        for (String c : x.changes()) {
          notes.add(letter(i) + ": " + c);
        }
      }
      row.add(String.join("; ", notes));
      rows.add(row.toArray(String[]::new));
    }
    b.append(indent(table(rows)));
    String guards = guards(p, layouts);
    if (!guards.isEmpty()) {
      b.append(guards);
    }
    return b.toString();
  }

  /** What the existence checks decide per layout, and what a missing field did to the load. */
  static String guards(LayoutCheck.ProgramResult p, int layouts) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < layouts; i++) {
      LayoutCheck.Verdict v = p.verdicts().get(i);
      for (LayoutCheck.Relocation r : p.relocations()) {
        LayoutCheck.Resolved x = r.layouts().get(i);
        if (x == null) {
          continue;
        }
        if (r.kind() == io.xdpemu.ebpf.core.CoreKind.FIELD_EXISTS && x.value() == 0) {
          b.append("  ").append(letter(i)).append(": bpf_core_field_exists(").append(r.spec());
          b.append(") is false: the branch it guards is dead code on this layout\n");
        }
        if (x.poisoned() && Boolean.FALSE.equals(x.reached()) && v.loads()) {
          b.append("  ").append(letter(i)).append(": the access to ").append(r.spec());
          b.append(" at #").append(r.pc()).append(" cannot be resolved but is never reached:");
          b.append(" the guard makes the program load\n");
        } else if (x.poisoned() && !v.loads()) {
          b.append("  ").append(letter(i)).append(": the access to ").append(r.spec());
          b.append(" at #").append(r.pc()).append(" cannot be resolved and is reached:");
          b.append(" guard it with bpf_core_field_exists()\n");
        }
      }
    }
    return b.toString();
  }

  static String value(io.xdpemu.ebpf.core.CoreKind k, long v, int size, boolean poisoned) {
    if (poisoned) {
      return "missing";
    }
    switch (k) {
      case FIELD_BYTE_OFFSET:
        return "off " + v + (size > 0 ? " sz " + size : "");
      case FIELD_BYTE_SIZE:
      case TYPE_SIZE:
        return "sz " + v;
      case FIELD_EXISTS:
      case TYPE_EXISTS:
      case ENUMVAL_EXISTS:
      case TYPE_MATCHES:
        return v != 0 ? "yes" : "no";
      default:
        return Long.toString(v);
    }
  }

  /** {@code firmware diff}: each struct, then its fields on both sides with what changed. */
  public static String diff(Firmware a, Firmware b, List<LayoutDiff.StructChange> structs) {
    StringBuilder s = new StringBuilder();
    s.append("A = ").append(a).append('\n').append("B = ").append(b).append('\n');
    for (LayoutDiff.StructChange c : structs) {
      s.append('\n').append(c.role()).append(": ");
      s.append(c.nameA() == null ? "none" : "struct " + c.nameA() + " (" + c.sizeA() + " bytes)");
      s.append(" -> ");
      s.append(c.nameB() == null ? "none" : "struct " + c.nameB() + " (" + c.sizeB() + " bytes)");
      s.append('\n');
      if (c.fields().isEmpty()) {
        continue;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"field", "A", "B", "change"});
      String dA = a.descriptor().structName();
      String dB = b.descriptor().structName();
      for (LayoutDiff.FieldChange f : c.fields()) {
        rows.add(
            new String[] {
              f.path(),
              side(f.a(), dA, a),
              side(f.b(), dB, b),
              f.changed() ? String.join(", ", f.changes()) : "same"
            });
      }
      s.append(indent(table(rows)));
    }
    return s.toString();
  }

  private static String side(FlatLayout.Field f, String descriptor, Firmware fw) {
    if (f == null) {
      return "-";
    }
    String s = f.cType(descriptor) + " @" + f.offset();
    return f.ptypes() == null ? s : s + " when " + FlatLayout.ptypeNames(fw, f.ptypes());
  }

  /** Columns padded to their widest cell, a rule under the header. */
  static String table(List<String[]> rows) {
    int cols = rows.get(0).length;
    int[] w = new int[cols];
    for (String[] r : rows) {
      for (int c = 0; c < cols; c++) {
        w[c] = Math.max(w[c], r[c].length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < rows.size(); i++) {
      String[] r = rows.get(i);
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < cols; c++) {
        line.append(c == 0 ? "" : "  ").append(r[c]);
        if (c < cols - 1) {
          line.append(" ".repeat(w[c] - r[c].length()));
        }
      }
      b.append(line.toString().stripTrailing()).append('\n');
      if (i == 0) {
        int total = 0;
        for (int c = 0; c < cols; c++) {
          total += w[c] + (c == 0 ? 0 : 2);
        }
        b.append("-".repeat(total)).append('\n');
      }
    }
    return b.toString();
  }

  private static String indent(String s) {
    return s.lines().map(l -> "  " + l + "\n").reduce("", String::concat);
  }
}
