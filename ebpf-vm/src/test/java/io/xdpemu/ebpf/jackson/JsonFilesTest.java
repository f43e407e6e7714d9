package io.xdpemu.ebpf.jackson;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.MalformedInputException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFilesTest {
  private static Located parse(String s) {
    return JsonFiles.parse(s, "t.json");
  }

  private static String error(String s) {
    return assertThrows(MalformedInputException.class, () -> parse(s)).getMessage();
  }

  @Test
  void readsAllKindsAndKeepsKeyOrder() {
    Located o =
        parse("{\"z\":1,\"a\":[true,false,null],\"m\":\"x\",\"d\":-1.5e2,\"e\":{}}").asObject();
    assertEquals(List.of("z", "a", "m", "d", "e"), List.copyOf(o.keys()));
    assertEquals(1, o.get("z").asLong());
    assertEquals(Located.Kind.NULL, o.get("a").asArray().get(2).kind());
    assertEquals(true, o.get("a").get(0).asBoolean());
    assertEquals(-150, o.get("d").asLong());
    assertEquals("x", o.get("m").asString());
  }

  @Test
  void acceptsLineAndBlockCommentsAndTrailingCommas() {
    Located v =
        parse(
            "// header\n{ /* a\n multi-line */ \"a\": 1, // after\n \"b\": [1, 2,], }\n/* end */");
    assertEquals(2, v.asObject().get("b").asArray().size());
  }

  @Test
  void tracksLineAndColumnOfEveryValue() {
    Located o = parse("{\n  \"a\": 1,\n  /* c */ \"b\": [\n    \"x\"]\n}").asObject();
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
    Located n = parse("18446744073709551615");
    assertEquals(new BigInteger("18446744073709551615"), n.asBigInteger());
    assertEquals(-1L, n.bits64());
    MalformedInputException e = assertThrows(MalformedInputException.class, n::asLong);
    assertTrue(e.getMessage().startsWith("malformed t.json:1:1: integer"), e.getMessage());
    assertEquals(2, parse("2.0").asInt());
    assertTrue(
        assertThrows(MalformedInputException.class, () -> parse("2.5").asInt())
            .getMessage()
            .contains("expected an integer"));
  }

  @Test
  void syntaxErrorsNameFileLineAndColumn() {
    assertTrue(error("{\n  \"a\": }").startsWith("malformed t.json:2:8: "), error("{\n  \"a\": }"));
    assertTrue(error("{\"a\": 1]").startsWith("malformed t.json:1:8: "), error("{\"a\": 1]"));
    assertTrue(error(" \"abc").startsWith("malformed t.json:1:"), error(" \"abc"));
    assertTrue(error("[1,\n2\n/* x").startsWith("malformed t.json:3:"), error("[1,\n2\n/* x"));
    assertTrue(error("1 2").startsWith("malformed t.json:1:3: "), error("1 2"));
    assertTrue(error("  // x").startsWith("malformed t.json:1:"), error("  // x"));
    for (String bad : List.of("[01]", "\"a\\x\"", "\"a\nb\"", "[1,,2]", "[-]", "[1.]", "tru")) {
      assertTrue(error(bad).startsWith("malformed t.json:1:"), error(bad));
      assertTrue(!error(bad).contains("\n") && !error(bad).contains("Source"), error(bad));
    }
    assertTrue(error("[0x10]").startsWith("malformed t.json:1:"), error("[0x10]"));
    assertTrue(error("{\"a\": 1,\n \"a\": 2}").contains("Duplicate field 'a'"));
  }

  @Test
  void deepNestingIsAnErrorNotAStackOverflow() {
    String deep = "[".repeat(JsonFiles.MAX_DEPTH + 10);
    assertTrue(error(deep).contains("nesting depth"), error(deep));
  }

  @Test
  void accessorsReportPositionOfWrongKind() {
    Located o = parse("{\n \"a\": \"s\"}").asObject();
    MalformedInputException e =
        assertThrows(MalformedInputException.class, () -> o.get("a").asLong());
    assertEquals("malformed t.json:2:7: expected a number, found string \"s\"", e.getMessage());
    e = assertThrows(MalformedInputException.class, () -> o.require("b"));
    assertEquals("malformed t.json:1:1: missing \"b\"", e.getMessage());
    e = assertThrows(MalformedInputException.class, () -> o.allowOnly("b"));
    assertTrue(e.getMessage().startsWith("malformed t.json:2:7: unknown key \"a\""));
  }

  @Test
  void filesAreDecodedStrictlyAndMayStartWithAByteOrderMark(@TempDir Path dir) throws Exception {
    Path ok = dir.resolve("bom.json");
    Files.write(ok, "\uFEFF{\"a\": 1}".getBytes(StandardCharsets.UTF_8));
    assertEquals(1, JsonFiles.read(ok).get("a").asInt());
    assertEquals(new Position(ok.toString(), 1, 7), JsonFiles.read(ok).get("a").at());
    Path bad = dir.resolve("bad.json");
    Files.write(bad, new byte[] {'"', (byte) 0xff, '"'});
    assertEquals(
        "malformed " + bad + ": not valid UTF-8",
        assertThrows(MalformedInputException.class, () -> JsonFiles.read(bad)).getMessage());
  }

  @Test
  void writerQuotesLikeJackson() {
    assertEquals("\"a\\\"b\\\\c\\n\\u0001\u00e9\"", JsonOut.quote("a\"b\\c\n\u0001\u00e9"));
    assertEquals(
        "{\"a\":[1,\"x\"],\"b\":null}",
        JsonOut.compact(
            g -> {
              g.writeStartObject();
              g.writeArrayFieldStart("a");
              g.writeNumber(1);
              g.writeString("x");
              g.writeEndArray();
              g.writeNullField("b");
              g.writeEndObject();
            }));
  }
}
