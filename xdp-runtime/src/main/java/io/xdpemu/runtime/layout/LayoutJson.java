package io.xdpemu.runtime.layout;

import com.fasterxml.jackson.core.JsonGenerator;
import io.xdpemu.ebpf.jackson.JsonOut;
import io.xdpemu.nic.firmware.Firmware;
import java.io.IOException;
import java.util.List;

/** The layout lab's answers as JSON ({@code --json}): the same content as {@link LayoutText}. */
public final class LayoutJson {
  private LayoutJson() {}

  public static String check(
      List<LayoutCheck.Target> targets, List<LayoutCheck.ProgramResult> programs) {
    return JsonOut.compact(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("layouts");
          for (LayoutCheck.Target t : targets) {
            firmware(g, t.firmware(), t.file().toString());
          }
          g.writeEndArray();
          g.writeArrayFieldStart("programs");
          for (LayoutCheck.ProgramResult p : programs) {
            program(g, p);
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  private static void firmware(JsonGenerator g, Firmware fw, String file) throws IOException {
    g.writeStartObject();
    g.writeStringField("file", file);
    g.writeStringField("name", fw.name());
    g.writeStringField("version", fw.version());
    g.writeStringField(
        "metadata_struct", fw.metadata() == null ? null : fw.metadata().structName());
    g.writeNumberField("metadata_size", fw.metadataSize());
    g.writeEndObject();
  }

  private static void program(JsonGenerator g, LayoutCheck.ProgramResult p) throws IOException {
    g.writeStartObject();
    g.writeStringField("object", p.object().toString());
    g.writeStringField("program", p.program());
    g.writeArrayFieldStart("layouts");
    for (LayoutCheck.Verdict v : p.verdicts()) {
      g.writeStartObject();
      g.writeBooleanField("loads", v.loads());
      g.writeStringField("reason", v.reason());
      g.writeNumberField("processed", v.processed());
      g.writeNumberField("reachable_insns", v.reachableInsns());
      g.writeNumberField("insns", v.totalInsns());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("relocations");
    for (LayoutCheck.Relocation r : p.relocations()) {
      g.writeStartObject();
      g.writeNumberField("insn", r.pc());
      g.writeStringField("kind", r.kind().label());
      g.writeStringField("field", r.spec());
      g.writeObjectFieldStart("compiled");
      g.writeNumberField("value", r.localValue());
      g.writeNumberField("size", r.localSize());
      g.writeEndObject();
      g.writeArrayFieldStart("layouts");
      for (LayoutCheck.Resolved x : r.layouts()) {
        if (x == null) {
          g.writeNull();
          continue;
        }
        g.writeStartObject();
        g.writeNumberField("value", x.value());
        g.writeNumberField("size", x.size());
        g.writeBooleanField("poisoned", x.poisoned());
        if (x.reached() != null) {
          g.writeBooleanField("reached", x.reached());
        }
        g.writeArrayFieldStart("changes");
        for (String c : x.changes()) {
          g.writeString(c);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  public static String diff(
      Firmware a, String fileA, Firmware b, String fileB, List<LayoutDiff.StructChange> structs) {
    return JsonOut.compact(
        g -> {
          g.writeStartObject();
          g.writeFieldName("a");
          firmware(g, a, fileA);
          g.writeFieldName("b");
          firmware(g, b, fileB);
          g.writeArrayFieldStart("structs");
          for (LayoutDiff.StructChange c : structs) {
            g.writeStartObject();
            g.writeStringField("role", c.role());
            g.writeStringField("a", c.nameA());
            g.writeNumberField("size_a", c.sizeA());
            g.writeStringField("b", c.nameB());
            g.writeNumberField("size_b", c.sizeB());
            g.writeArrayFieldStart("fields");
            for (LayoutDiff.FieldChange f : c.fields()) {
              g.writeStartObject();
              g.writeStringField("field", f.path());
              side(g, "a", f.a(), a);
              side(g, "b", f.b(), b);
              g.writeArrayFieldStart("changes");
              for (String s : f.changes()) {
                g.writeString(s);
              }
              g.writeEndArray();
              g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  private static void side(JsonGenerator g, String name, FlatLayout.Field f, Firmware fw)
      throws IOException {
    if (f == null) {
      g.writeNullField(name);
      return;
    }
    g.writeObjectFieldStart(name);
    g.writeNumberField("offset", f.offset());
    g.writeNumberField("size", f.size());
    g.writeStringField("type", f.cType(fw.descriptor().structName()));
    if (f.ptypes() != null) {
      g.writeArrayFieldStart("when");
      for (String n : FlatLayout.ptypeNames(fw, f.ptypes()).split(", ")) {
        g.writeString(n);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }
}
