package io.xdpemu.ebpf.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.MalformedInputException;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonReaderTest {
  private static JsonValue parse(String s) {
    return JsonReader.parse(s, "t.json");
  }

  private static String error(String s) {
    return assertThrows(MalformedInputException.class, () -> parse(s)).getMessage();
  }

  @Test
  void readsAllKindsAndKeepsKeyOrder() {
    JsonObject o =
        parse("{\"z\":1,\"a\":[true,false,null],\"m\":\"x\",\"d\":-1.5e2,\"e\":{}}").asObject();
    assertEquals(List.of("z", "a", "m", "d", "e"), List.copyOf(o.keys()));
    assertEquals(1, o.get("z").asLong());
    assertEquals(JsonValue.Kind.NULL, o.get("a").asArray().get(2).kind());
    assertEquals(-150.0, o.get("d").asNumber().doubleValue());
    assertEquals("x", o.get("m").asString());
  }

  @Test
  void acceptsLineAndBlockCommentsAndTrailingCommas() {
    JsonValue v =
        parse(
            "// header\n{ /* a\n multi-line */ \"a\": 1, // after\n \"b\": [1, 2,], }\n/* end */");
    assertEquals(2, v.asObject().get("b").asArray().size());
  }

  @Test
  void tracksLineAndColumnOfEveryValue() {
    JsonObject o = parse("{\n  \"a\": 1,\n  /* c */ \"b\": [\n    \"x\"]\n}").asObject();
    assertEquals(new Position("t.json", 1, 1), o.at());
    assertEquals(new Position("t.json", 2, 8), o.get("a").at());
    assertEquals(new Position("t.json", 3, 16), o.get("b").at());
    assertEquals(new Position("t.json", 4, 5), o.get("b").asArray().get(0).at());
  }

  @Test
  void decodesEscapesAndSurrogatePairs() {
    assertEquals(
        "a\"\\/\b\f\n\r\t\u00e9\ud83d\ude00",
        parse("\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"").asString());
  }

  @Test
  void keepsU64NumbersExact() {
    JsonNumber n = parse("18446744073709551615").asNumber();
    assertEquals(new BigInteger("18446744073709551615"), n.bigIntegerValue());
    assertEquals(-1L, n.bits64());
    assertTrue(error("[0x10]").contains("hex values as strings"));
    MalformedInputException e = assertThrows(MalformedInputException.class, n::longValue);
    assertTrue(e.getMessage().startsWith("malformed t.json:1:1: integer"), e.getMessage());
  }

  @Test
  void syntaxErrorsNameFileLineAndColumn() {
    assertEquals("malformed t.json:2:8: unexpected '}', expected a value", error("{\n  \"a\": }"));
    assertEquals("malformed t.json:1:8: unexpected ']', expected ',' or '}'", error("{\"a\": 1]"));
    assertEquals("malformed t.json:1:2: unterminated string", error(" \"abc"));
    assertEquals("malformed t.json:3:1: unterminated /* comment", error("[1,\n2\n/* x"));
    assertEquals("malformed t.json:1:3: unexpected '2' after the JSON value", error("1 2"));
    assertEquals("malformed t.json:1:7: empty document, expected a JSON value", error("  // x"));
    assertTrue(
        error("{\"a\":1,\n\"a\":2}").startsWith("malformed t.json:2:1: duplicate key \"a\""));
    assertTrue(error("[01]").contains("leading zero"));
    assertTrue(error("\"a\\x\"").contains("invalid escape"));
    assertTrue(error("\"a\nb\"").contains("control character"));
    assertTrue(error("[1,,2]").contains("expected a value"));
    assertTrue(error("[-]").contains("invalid number"));
    assertTrue(error("[1.]").contains("invalid number"));
    assertTrue(error("tru").contains("expected a value"));
    assertTrue(error("/ x").contains("stray '/'"));
  }

  @Test
  void deepNestingIsAnErrorNotAStackOverflow() {
    String deep = "[".repeat(100_000);
    assertTrue(error(deep).contains("nesting deeper than"));
  }

  @Test
  void accessorsReportPositionOfWrongKind() {
    JsonObject o = parse("{\n\"a\": \"s\"}").asObject();
    MalformedInputException e =
        assertThrows(MalformedInputException.class, () -> o.get("a").asLong());
    assertEquals("malformed t.json:2:6: expected a number, found string \"s\"", e.getMessage());
    e = assertThrows(MalformedInputException.class, () -> o.require("b"));
    assertEquals("malformed t.json:1:1: missing \"b\"", e.getMessage());
    e = assertThrows(MalformedInputException.class, () -> o.allowOnly("b"));
    assertTrue(e.getMessage().startsWith("malformed t.json:2:6: unknown key \"a\""));
  }

  @Test
  void equalityIgnoresPositions() {
    JsonValue a = parse("{\"k\": [1, \"x\", null]}");
    JsonValue b = parse("\n\n  {\"k\":[1.0,\"x\",null]}");
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
  }
}
