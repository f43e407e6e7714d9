package io.xdpemu.ebpf.json;

/** A JSON string. */
public record JsonString(String value, Position at) implements JsonValue {
  public JsonString {
    java.util.Objects.requireNonNull(value, "value");
    java.util.Objects.requireNonNull(at, "at");
  }

  public static JsonString of(String value) {
    return new JsonString(value, Position.NONE);
  }

  @Override
  public Kind kind() {
    return Kind.STRING;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonString s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return JsonWriter.compact(this);
  }
}
