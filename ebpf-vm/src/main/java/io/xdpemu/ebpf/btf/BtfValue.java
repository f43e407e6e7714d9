package io.xdpemu.ebpf.btf;

import java.util.List;

/**
 * Bytes read through a BTF type: a tree of named values, shaped the way {@code bpftool map dump}
 * shows a map entry with BTF (tools/bpf/bpftool/btf_dumper.c) - structs and unions as objects by
 * member name, arrays as lists (char arrays holding a C string as that string), enums by enumerator
 * name, integers as numbers, bitfields and 128-bit integers as hex text. Built by {@link
 * BtfValueDecoder}. The model holds no JSON library type; {@link #json} is the one compact
 * rendering (what bpftool's {@code "formatted"} holds), used wherever a writer embeds it.
 */
public sealed interface BtfValue
    permits BtfValue.Number, BtfValue.Text, BtfValue.Bool, BtfValue.Fields, BtfValue.Items {

  /** An integer, pointer or float, kept as its decimal literal (u64 values above 2^63 too). */
  record Number(String literal) implements BtfValue {}

  /** A string: a char array, a printable char, an enumerator name, a bitfield's hex. */
  record Text(String text) implements BtfValue {}

  record Bool(boolean value) implements BtfValue {}

  /** One member of a struct or union, or one variable of a data section. */
  record Field(String name, BtfValue value) {}

  /** A struct, union, VAR (one field) or DATASEC (its name, then the variables as a list). */
  record Fields(List<Field> fields) implements BtfValue {
    public Fields {
      fields = List.copyOf(fields);
    }

    /** The value of the first field named {@code name}, or null. */
    public BtfValue get(String name) {
      for (Field f : fields) {
        if (f.name().equals(name)) {
          return f.value();
        }
      }
      return null;
    }
  }

  /** An array. */
  record Items(List<BtfValue> items) implements BtfValue {
    public Items {
      items = List.copyOf(items);
    }
  }

  /** One line for text traces: {@code {hash=3405691582, u={ipv4={saddr=16777226}}}}. */
  default String text() {
    StringBuilder b = new StringBuilder();
    appendText(this, b);
    return b.toString();
  }

  private static void appendText(BtfValue v, StringBuilder b) {
    if (v instanceof Fields o) {
      b.append('{');
      for (int i = 0; i < o.fields().size(); i++) {
        b.append(i > 0 ? ", " : "").append(o.fields().get(i).name()).append('=');
        appendText(o.fields().get(i).value(), b);
      }
      b.append('}');
    } else if (v instanceof Items a) {
      b.append('[');
      for (int i = 0; i < a.items().size(); i++) {
        b.append(i > 0 ? ", " : "");
        appendText(a.items().get(i), b);
      }
      b.append(']');
    } else if (v instanceof Text t) {
      quote(t.text(), b);
    } else if (v instanceof Number n) {
      b.append(n.literal());
    } else {
      b.append(((Bool) v).value());
    }
  }

  /** A quoted string with C-style escapes. */
  private static void quote(String s, StringBuilder b) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
