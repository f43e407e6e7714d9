package io.xdpemu.ebpf.json;

/** {@code true} or {@code false}. */
public record JsonBool(boolean value, Position at) implements JsonValue {
  public static final JsonBool TRUE = new JsonBool(true, Position.NONE);
  public static final JsonBool FALSE = new JsonBool(false, Position.NONE);

  public static JsonBool of(boolean value) {
    return value ? TRUE : FALSE;
  }

  @Override
  public Kind kind() {
    return Kind.BOOLEAN;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonBool b && b.value == value;
  }

  @Override
  public int hashCode() {
    return Boolean.hashCode(value);
  }

  @Override
  public String toString() {
    return Boolean.toString(value);
  }
}
