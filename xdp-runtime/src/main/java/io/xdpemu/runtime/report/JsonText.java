package io.xdpemu.runtime.report;

/**
 * The little JSON the report page embeds, written by hand so that the report depends on no JSON
 * library: objects and arrays with commas placed by the writer, strings escaped so that the text is
 * also safe inside an HTML {@code <script>} element ({@code <} as {@code \u003c}).
 */
final class JsonText {
  private final StringBuilder b = new StringBuilder(1 << 14);
  private boolean needComma;

  JsonText open(char c) {
    comma();
    b.append(c);
    needComma = false;
    return this;
  }

  JsonText close(char c) {
    b.append(c);
    needComma = true;
    return this;
  }

  JsonText key(String k) {
    comma();
    string(k);
    b.append(':');
    needComma = false;
    return this;
  }

  JsonText value(String s) {
    comma();
    if (s == null) {
      b.append("null");
    } else {
      string(s);
    }
    needComma = true;
    return this;
  }

  JsonText value(long n) {
    comma();
    b.append(n);
    needComma = true;
    return this;
  }

  JsonText value(double d) {
    comma();
    b.append(Double.isFinite(d) ? Double.toString(d) : "null");
    needComma = true;
    return this;
  }

  JsonText value(boolean v) {
    comma();
    b.append(v);
    needComma = true;
    return this;
  }

  /** Already-valid JSON text (the maps.json object), escaped for the script element. */
  JsonText raw(String json) {
    comma();
    b.append(json.replace("<", "\\u003c"));
    needComma = true;
    return this;
  }

  private void comma() {
    if (needComma) {
      b.append(',');
    }
  }

  private void string(String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '<' -> b.append("\\u003c");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  @Override
  public String toString() {
    return b.toString();
  }
}
