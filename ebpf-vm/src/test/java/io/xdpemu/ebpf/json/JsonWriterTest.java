package io.xdpemu.ebpf.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonWriterTest {
  private static JsonObject sample() {
    return JsonObject.builder()
        .put("packets", 3)
        .put("name", "a\"b\\c\n\u0001é")
        .put("ok", true)
        .put("none", (String) null)
        .put("list", JsonArray.of(List.of(JsonNumber.ofUnsigned(-1L), JsonNumber.of(0.5))))
        .put("empty", JsonObject.builder().build())
        .put("emptyList", JsonArray.of(List.of()))
        .build();
  }

  @Test
  void compactOutputIsDeterministicAndEscapesMinimal() {
    assertEquals(
        "{\"packets\":3,\"name\":\"a\\\"b\\\\c\\n\\u0001é\",\"ok\":true,\"none\":null,"
            + "\"list\":[18446744073709551615,0.5],\"empty\":{},\"emptyList\":[]}",
        JsonWriter.compact(sample()));
  }

  @Test
  void prettyOutputIndentsTwoSpaces() {
    assertEquals(
        "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"c\"\n    }\n  ],\n  \"e\": []\n}",
        JsonWriter.pretty(
            JsonObject.builder()
                .put(
                    "a",
                    JsonArray.of(
                        List.of(JsonNumber.of(1), JsonObject.builder().put("b", "c").build())))
                .put("e", JsonArray.of(List.of()))
                .build()));
  }

  @Test
  void writeThenReadRoundTrips() {
    JsonObject o = sample();
    assertEquals(o, JsonReader.parse(JsonWriter.compact(o), "x"));
    assertEquals(o, JsonReader.parse(JsonWriter.pretty(o), "x"));
    assertEquals(
        JsonWriter.pretty(o), JsonWriter.pretty(JsonReader.parse(JsonWriter.pretty(o), "x")));
  }

  @Test
  void integralDoublesAreWrittenWithoutFraction() {
    assertEquals("3", JsonNumber.of(3.0).text());
    assertEquals("1.5E20", JsonNumber.of(1.5e20).text());
  }
}
