package io.xdpemu.ebpf.json;

/** {@code null}. */
public record JsonNull(Position at) implements JsonValue {
  public static final JsonNull NULL = new JsonNull(Position.NONE);

  @Override
  public Kind kind() {
    return Kind.NULL;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonNull;
  }

  @Override
  public int hashCode() {
    return 0;
  }

  @Override
  public String toString() {
    return "null";
  }
}
