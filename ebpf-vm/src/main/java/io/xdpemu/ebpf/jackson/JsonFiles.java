package io.xdpemu.ebpf.jackson;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.xdpemu.ebpf.MalformedInputException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the JSON files users write by hand (firmware, {@code --map-init}, {@code --fib}) with
 * Jackson: RFC 8259 plus {@code //} and {@code /* *}{@code /} comments and one trailing comma
 * before {@code ]} or {@code }}; duplicate keys are an error (two "rss" sections are a mistake, not
 * an override); nesting is capped at {@link #MAX_DEPTH}. Every syntax error becomes a {@link
 * MalformedInputException} "malformed FILE:LINE:COL: problem" and every value keeps its position.
 * Text is decoded strictly as UTF-8 first so that columns count characters.
 */
public final class JsonFiles {
  public static final int MAX_DEPTH = 256;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
          .build();

  /** Jackson appends "(... at [Source: ...; line: 1, column: 2])" to some messages. */
  private static final Pattern SOURCE_REF =
      Pattern.compile("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]");

  private JsonFiles() {}

  /** Reads and parses a UTF-8 file; I/O and encoding errors are reported as malformed input. */
  public static Located read(Path file) {
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
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedInputException("malformed " + file + ": not valid UTF-8", e);
    }
    return parse(text, file.toString());
  }

  /** Parses one JSON document; {@code source} names it in messages (usually the file name). */
  public static Located parse(String text, String source) {
    // A UTF-8 byte-order mark (Jackson skips it only in byte input); columns count after it.
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() == null) {
        throw new Position(source, 1, 1).error("empty document, expected a JSON value");
      }
      Located v = value(p, source);
      if (p.nextToken() != null) {
        throw Position.of(source, p.currentTokenLocation())
            .error("unexpected " + p.currentToken().asString() + " after the JSON value");
      }
      return v;
    } catch (JsonProcessingException e) {
      Position at =
          e.getLocation() == null
              ? new Position(source, 0, 0)
              : Position.of(source, e.getLocation());
      throw new MalformedInputException(
          "malformed " + at + ": " + message(e.getOriginalMessage()), e);
    } catch (IOException e) { // reading a String cannot fail otherwise
      throw new MalformedInputException("malformed " + source + ": " + e.getMessage(), e);
    }
  }

  private static String message(String jackson) {
    String m = SOURCE_REF.matcher(jackson).replaceAll("line $1, column $2");
    return m.replace('\n', ' ').strip();
  }

  /** The value at the current token, children included; leaves the parser on its last token. */
  private static Located value(JsonParser p, String source) throws IOException {
    Position at = Position.of(source, p.currentTokenLocation());
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT:
        {
          LinkedHashMap<String, Located> members = new LinkedHashMap<>();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            members.put(key, value(p, source));
          }
          return Located.object(members, at);
        }
      case START_ARRAY:
        {
          List<Located> elements = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            elements.add(value(p, source));
          }
          return Located.array(elements, at);
        }
      case VALUE_STRING:
        return Located.string(p.getText(), at);
      case VALUE_NUMBER_INT:
        return Located.number(new BigDecimal(p.getBigIntegerValue()), p.getText(), at);
      case VALUE_NUMBER_FLOAT:
        return Located.number(p.getDecimalValue(), p.getText(), at);
      case VALUE_TRUE:
        return Located.bool(true, at);
      case VALUE_FALSE:
        return Located.bool(false, at);
      case VALUE_NULL:
        return Located.nul(at);
      default:
        throw at.error("unexpected " + t);
    }
  }
}
