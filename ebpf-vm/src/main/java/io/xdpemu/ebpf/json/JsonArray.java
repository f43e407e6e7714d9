package io.xdpemu.ebpf.json;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** A JSON array; immutable. */
public record JsonArray(List<JsonValue> elements, Position at)
    implements JsonValue, Iterable<JsonValue> {
  public JsonArray {
    elements = List.copyOf(elements);
    java.util.Objects.requireNonNull(at, "at");
  }

  public static JsonArray of(List<? extends JsonValue> elements) {
    return new JsonArray(new ArrayList<>(elements), Position.NONE);
  }

  public int size() {
    return elements.size();
  }

  public JsonValue get(int i) {
    return elements.get(i);
  }

  @Override
  public Iterator<JsonValue> iterator() {
    return elements.iterator();
  }

  @Override
  public Kind kind() {
    return Kind.ARRAY;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonArray a && a.elements.equals(elements);
  }

  @Override
  public int hashCode() {
    return elements.hashCode();
  }

  @Override
  public String toString() {
    return JsonWriter.compact(this);
  }
}
