package io.xdpemu.ebpf.json;

import java.util.Iterator;
import java.util.Map;

/**
 * Writes JSON deterministically: object keys in their stored order, numbers as their canonical
 * text, strings with the minimal escapes (quote, backslash, control characters as {@code \n} etc.
 * or {@code \}{@code u00XX}); non-ASCII characters are written as they are (output is UTF-8).
 * Pretty output indents by two spaces, puts one member per line, writes empty containers as {@code
 * {}} / {@code []}, and ends without a newline (callers add one for files).
 */
public final class JsonWriter {
  private JsonWriter() {}

  public static String compact(JsonValue v) {
    StringBuilder sb = new StringBuilder();
    write(sb, v, -1, 0);
    return sb.toString();
  }

  public static String pretty(JsonValue v) {
    StringBuilder sb = new StringBuilder();
    write(sb, v, 2, 0);
    return sb.toString();
  }

  /** Appends {@code v}; {@code indent < 0} means compact. */
  public static void write(StringBuilder sb, JsonValue v, int indent, int level) {
    switch (v.kind()) {
      case OBJECT:
        writeObject(sb, (JsonObject) v, indent, level);
        break;
      case ARRAY:
        writeArray(sb, (JsonArray) v, indent, level);
        break;
      case STRING:
        quote(sb, ((JsonString) v).value());
        break;
      case NUMBER:
        sb.append(((JsonNumber) v).text());
        break;
      case BOOLEAN:
        sb.append(((JsonBool) v).value());
        break;
      case NULL:
        sb.append("null");
        break;
      default:
        throw new AssertionError(v.kind());
    }
  }

  private static void writeObject(StringBuilder sb, JsonObject o, int indent, int level) {
    if (o.members().isEmpty()) {
      sb.append("{}");
      return;
    }
    sb.append('{');
    Iterator<Map.Entry<String, JsonValue>> it = o.members().entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, JsonValue> e = it.next();
      newline(sb, indent, level + 1);
      quote(sb, e.getKey());
      sb.append(indent < 0 ? ":" : ": ");
      write(sb, e.getValue(), indent, level + 1);
      if (it.hasNext()) {
        sb.append(',');
      }
    }
    newline(sb, indent, level);
    sb.append('}');
  }

  private static void writeArray(StringBuilder sb, JsonArray a, int indent, int level) {
    if (a.elements().isEmpty()) {
      sb.append("[]");
      return;
    }
    sb.append('[');
    for (int i = 0; i < a.size(); i++) {
      newline(sb, indent, level + 1);
      write(sb, a.get(i), indent, level + 1);
      if (i + 1 < a.size()) {
        sb.append(',');
      }
    }
    newline(sb, indent, level);
    sb.append(']');
  }

  private static void newline(StringBuilder sb, int indent, int level) {
    if (indent < 0) {
      return;
    }
    sb.append('\n');
    for (int i = 0; i < indent * level; i++) {
      sb.append(' ');
    }
  }

  /** Appends {@code s} as a JSON string literal. */
  public static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        case '\b':
          sb.append("\\b");
          break;
        case '\f':
          sb.append("\\f");
          break;
        default:
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }
}
