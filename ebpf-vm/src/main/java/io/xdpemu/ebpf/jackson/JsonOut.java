package io.xdpemu.ebpf.jackson;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Writes xdpemu's JSON outputs with Jackson's generator: compact (no spaces, keys in the order
 * written), UTF-8, strings with Jackson's standard escapes. One factory for the process.
 */
public final class JsonOut {
  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonOut() {}

  /** What writes one document. */
  @FunctionalInterface
  public interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  /** The compact text of what {@code body} writes. */
  public static String compact(Body body) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /**
   * A generator on {@code out} (UTF-8) that leaves the stream open when closed: for line-oriented
   * files (packets.jsonl) that write one value per line.
   */
  public static JsonGenerator generator(OutputStream out) {
    try {
      return FACTORY
          .createGenerator(out)
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
          .setRootValueSeparator(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code s} as a JSON string literal, quotes included. */
  public static String quote(String s) {
    return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
  }
}
