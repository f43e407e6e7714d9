package io.xdpemu.ebpf.json;

import io.xdpemu.ebpf.MalformedInputException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Reads JSON (RFC 8259) plus what hand-written configuration files need: {@code // line} and {@code
 * /* block *}{@code /} comments and a trailing comma before {@code ]} or {@code }}. Every value
 * records the line and column where it starts; every syntax error is a {@link
 * MalformedInputException} "malformed FILE:LINE:COL: problem". Duplicate keys are an error (a
 * hand-written file with two "rss" sections is a mistake, not an override).
 *
 * <p>A recursive-descent parser; nesting is capped at {@link #MAX_DEPTH} so hostile input cannot
 * exhaust the JVM stack.
 */
public final class JsonReader {
  public static final int MAX_DEPTH = 256;

  private final String source;
  private final String text;
  private int pos;
  private int line = 1;
  private int lineStart;

  private JsonReader(String source, String text) {
    this.source = source;
    this.text = text;
  }

  /** Parses one JSON document; {@code source} names it in messages (usually the file name). */
  public static JsonValue parse(String text, String source) {
    JsonReader r = new JsonReader(source, text);
    if (r.pos < text.length() && text.charAt(0) == '\uFEFF') {
      r.pos = 1; // a UTF-8 byte-order mark
      r.lineStart = 1;
    }
    r.skipSpace();
    if (r.pos >= text.length()) {
      throw r.here().error("empty document, expected a JSON value");
    }
    JsonValue v = r.value(0);
    r.skipSpace();
    if (r.pos < text.length()) {
      throw r.here().error("unexpected " + r.describeChar() + " after the JSON value");
    }
    return v;
  }

  /** Reads and parses a UTF-8 file; I/O and encoding errors are reported as malformed input. */
  public static JsonValue read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new MalformedInputException(
          "malformed " + file + ": cannot read: " + e.getMessage(), e);
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedInputException("malformed " + file + ": not valid UTF-8", e);
    }
    return parse(text, file.toString());
  }

  private Position here() {
    return new Position(source, line, pos - lineStart + 1);
  }

  private String describeChar() {
    if (pos >= text.length()) {
      return "end of input";
    }
    char c = text.charAt(pos);
    return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("character U+%04X", (int) c);
  }

  private void newline() {
    line++;
    lineStart = pos;
  }

  /** Skips whitespace and comments, keeping line/column bookkeeping. */
  private void skipSpace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '\n') {
        pos++;
        newline();
      } else if (c == ' ' || c == '\t' || c == '\r') {
        pos++;
      } else if (c == '/' && pos + 1 < text.length() && text.charAt(pos + 1) == '/') {
        while (pos < text.length() && text.charAt(pos) != '\n') {
          pos++;
        }
      } else if (c == '/' && pos + 1 < text.length() && text.charAt(pos + 1) == '*') {
        Position start = here();
        pos += 2;
        while (true) {
          if (pos + 1 >= text.length()) {
            throw start.error("unterminated /* comment");
          }
          char d = text.charAt(pos);
          if (d == '*' && text.charAt(pos + 1) == '/') {
            pos += 2;
            break;
          }
          pos++;
          if (d == '\n') {
            newline();
          }
        }
      } else if (c == '/') {
        throw here().error("stray '/' (comments are // or /* */)");
      } else {
        return;
      }
    }
  }

  private JsonValue value(int depth) {
    if (depth >= MAX_DEPTH) {
      throw here().error("nesting deeper than " + MAX_DEPTH);
    }
    Position at = here();
    if (pos >= text.length()) {
      throw at.error("unexpected end of input, expected a value");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return object(at, depth);
      case '[':
        return array(at, depth);
      case '"':
        return new JsonString(string(), at);
      case 't':
        literal("true");
        return new JsonBool(true, at);
      case 'f':
        literal("false");
        return new JsonBool(false, at);
      case 'n':
        literal("null");
        return new JsonNull(at);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number(at);
        }
        throw at.error("unexpected " + describeChar() + ", expected a value");
    }
  }

  private void literal(String word) {
    if (!text.startsWith(word, pos)) {
      throw here().error("unexpected " + describeChar() + ", expected a value");
    }
    pos += word.length();
  }

  private JsonObject object(Position at, int depth) {
    pos++; // {
    LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();
    skipSpace();
    if (peek() == '}') {
      pos++;
      return new JsonObject(members, at);
    }
    while (true) {
      skipSpace();
      if (peek() == '}' && !members.isEmpty()) { // trailing comma
        pos++;
        return new JsonObject(members, at);
      }
      Position keyAt = here();
      if (peek() != '"') {
        throw keyAt.error("unexpected " + describeChar() + ", expected a string key");
      }
      String key = string();
      if (members.containsKey(key)) {
        throw keyAt.error(
            "duplicate key \"" + key + "\" (first at line " + members.get(key).at().line() + ")");
      }
      skipSpace();
      expect(':', "':' after the key");
      skipSpace();
      members.put(key, value(depth + 1));
      skipSpace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c == '}') {
        pos++;
        return new JsonObject(members, at);
      } else {
        throw here().error("unexpected " + describeChar() + ", expected ',' or '}'");
      }
    }
  }

  private JsonArray array(Position at, int depth) {
    pos++; // [
    List<JsonValue> elements = new ArrayList<>();
    skipSpace();
    if (peek() == ']') {
      pos++;
      return new JsonArray(elements, at);
    }
    while (true) {
      skipSpace();
      if (peek() == ']' && !elements.isEmpty()) { // trailing comma
        pos++;
        return new JsonArray(elements, at);
      }
      elements.add(value(depth + 1));
      skipSpace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c == ']') {
        pos++;
        return new JsonArray(elements, at);
      } else {
        throw here().error("unexpected " + describeChar() + ", expected ',' or ']'");
      }
    }
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void expect(char c, String what) {
    if (pos >= text.length() || text.charAt(pos) != c) {
      throw here().error("unexpected " + describeChar() + ", expected " + what);
    }
    pos++;
  }

  private String string() {
    Position start = here();
    pos++; // opening quote
    StringBuilder sb = null;
    int runStart = pos;
    while (true) {
      if (pos >= text.length()) {
        throw start.error("unterminated string");
      }
      char c = text.charAt(pos);
      if (c == '"') {
        String s =
            sb == null ? text.substring(runStart, pos) : sb.append(text, runStart, pos).toString();
        pos++;
        return s;
      }
      if (c < 0x20) {
        throw here().error("control character U+" + String.format("%04X", (int) c) + " in string");
      }
      if (c != '\\') {
        pos++;
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder();
      }
      sb.append(text, runStart, pos);
      Position escAt = here();
      pos++;
      if (pos >= text.length()) {
        throw start.error("unterminated string");
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '"':
        case '\\':
        case '/':
          sb.append(e);
          break;
        case 'b':
          sb.append('\b');
          break;
        case 'f':
          sb.append('\f');
          break;
        case 'n':
          sb.append('\n');
          break;
        case 'r':
          sb.append('\r');
          break;
        case 't':
          sb.append('\t');
          break;
        case 'u':
          sb.append((char) hex4(escAt));
          break;
        default:
          throw escAt.error("invalid escape \\" + e + " in string");
      }
      runStart = pos;
    }
  }

  private int hex4(Position escAt) {
    if (pos + 4 > text.length()) {
      throw escAt.error("truncated \\u escape");
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(text.charAt(pos + i), 16);
      if (d < 0) {
        throw escAt.error("invalid \\u escape");
      }
      v = v << 4 | d;
    }
    pos += 4;
    return v;
  }

  private JsonNumber number(Position at) {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
      if (Character.isDigit(peek())) {
        throw at.error("leading zero in number (write hex values as strings, e.g. \"0x8100\")");
      }
    } else {
      digits(at);
    }
    if (peek() == '.') {
      pos++;
      digits(at);
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      digits(at);
    }
    if (Character.isLetter(peek())) {
      throw at.error(
          "invalid number \""
              + text.substring(start, Math.min(text.length(), pos + 1))
              + "\" (write hex values as strings, e.g. \"0x8100\")");
    }
    return new JsonNumber(text.substring(start, pos), at);
  }

  private void digits(Position at) {
    int from = pos;
    while (Character.isDigit(peek()) && peek() < 0x80) {
      pos++;
    }
    if (pos == from) {
      throw at.error("invalid number: expected a digit at column " + (pos - lineStart + 1));
    }
  }
}
