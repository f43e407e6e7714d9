package io.xdpemu.ebpf.jackson;

import com.fasterxml.jackson.core.JsonLocation;
import io.xdpemu.ebpf.MalformedInputException;

/**
 * Where a JSON value starts in its source: file name, 1-based line and column (in characters).
 * Validation code reports problems through {@link #error} so every message names the line, as
 * {@code "malformed fw.json:12:5: overlapping fields ..."}.
 */
public record Position(String source, int line, int column) {
  /** For values built in code rather than read from a file. */
  public static final Position NONE = new Position("<built>", 0, 0);

  static Position of(String source, JsonLocation at) {
    return new Position(source, at.getLineNr(), at.getColumnNr());
  }

  /** A {@link MalformedInputException} whose message starts with "malformed FILE:LINE:COL: ". */
  public MalformedInputException error(String problem) {
    return new MalformedInputException("malformed " + this + ": " + problem);
  }

  @Override
  public String toString() {
    return source + ":" + line + ":" + column;
  }
}
