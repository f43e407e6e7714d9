package io.xdpemu.ebpf.json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A JSON object; keys keep the order they were read or added in (the writer emits them in that
 * order, which makes output deterministic). Duplicate keys are a syntax error when reading.
 */
public record JsonObject(Map<String, JsonValue> members, Position at) implements JsonValue {
  public JsonObject {
    members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    java.util.Objects.requireNonNull(at, "at");
  }

  public static Builder builder() {
    return new Builder();
  }

  public JsonValue get(String key) {
    return members.get(key);
  }

  public boolean has(String key) {
    return members.containsKey(key);
  }

  public Set<String> keys() {
    return members.keySet();
  }

  /** The member, or an error naming this object's position when it is missing. */
  public JsonValue require(String key) {
    JsonValue v = members.get(key);
    if (v == null) {
      throw at.error("missing \"" + key + "\"");
    }
    return v;
  }

  public String getString(String key, String fallback) {
    JsonValue v = members.get(key);
    return v == null ? fallback : v.asString();
  }

  public long getLong(String key, long fallback) {
    JsonValue v = members.get(key);
    return v == null ? fallback : v.asLong();
  }

  public int getInt(String key, int fallback) {
    JsonValue v = members.get(key);
    return v == null ? fallback : v.asInt();
  }

  public boolean getBoolean(String key, boolean fallback) {
    JsonValue v = members.get(key);
    return v == null ? fallback : v.asBoolean();
  }

  /**
   * Fails on the first key not in {@code allowed}, naming its position: catches typos in
   * hand-written files instead of silently ignoring them.
   */
  public void allowOnly(String... allowed) {
    Set<String> ok = Set.of(allowed);
    for (Map.Entry<String, JsonValue> e : members.entrySet()) {
      if (!ok.contains(e.getKey())) {
        throw e.getValue()
            .at()
            .error(
                "unknown key \"" + e.getKey() + "\" (allowed: " + String.join(", ", allowed) + ")");
      }
    }
  }

  @Override
  public Kind kind() {
    return Kind.OBJECT;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonObject j && j.members.equals(members);
  }

  @Override
  public int hashCode() {
    return members.hashCode();
  }

  @Override
  public String toString() {
    return JsonWriter.compact(this);
  }

  /** Builds an object in insertion order. */
  public static final class Builder {
    private final LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();

    public Builder put(String key, JsonValue value) {
      members.put(key, value);
      return this;
    }

    public Builder put(String key, String value) {
      return put(key, value == null ? JsonNull.NULL : JsonString.of(value));
    }

    public Builder put(String key, long value) {
      return put(key, JsonNumber.of(value));
    }

    public Builder put(String key, double value) {
      return put(key, JsonNumber.of(value));
    }

    public Builder put(String key, boolean value) {
      return put(key, JsonBool.of(value));
    }

    public JsonObject build() {
      return new JsonObject(members, Position.NONE);
    }
  }
}
