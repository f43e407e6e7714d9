package io.xdpemu.ebpf.json;

/**
 * One JSON value with the position it was read from. The kinds are closed: {@link JsonObject}
 * (keeps key order), {@link JsonArray}, {@link JsonString}, {@link JsonNumber}, {@link JsonBool}
 * and {@link JsonNull}. Equality ignores positions, so a value read from a file equals one built in
 * code.
 *
 * <p>The {@code as*} accessors throw a {@link io.xdpemu.ebpf.MalformedInputException} naming the
 * position when the value has another kind, which is what validation code wants.
 */
public sealed interface JsonValue
    permits JsonObject, JsonArray, JsonString, JsonNumber, JsonBool, JsonNull {

  /** The kinds, for {@code switch}. */
  enum Kind {
    OBJECT,
    ARRAY,
    STRING,
    NUMBER,
    BOOLEAN,
    NULL
  }

  Kind kind();

  Position at();

  default JsonObject asObject() {
    if (this instanceof JsonObject o) {
      return o;
    }
    throw at().error("expected an object, found " + describe());
  }

  default JsonArray asArray() {
    if (this instanceof JsonArray a) {
      return a;
    }
    throw at().error("expected an array, found " + describe());
  }

  default String asString() {
    if (this instanceof JsonString s) {
      return s.value();
    }
    throw at().error("expected a string, found " + describe());
  }

  default JsonNumber asNumber() {
    if (this instanceof JsonNumber n) {
      return n;
    }
    throw at().error("expected a number, found " + describe());
  }

  /** An integral number that fits a long (see {@link JsonNumber#longValue()}). */
  default long asLong() {
    return asNumber().longValue();
  }

  /** An integral number that fits an int. */
  default int asInt() {
    long v = asLong();
    if (v != (int) v) {
      throw at().error("number " + v + " does not fit in 32 bits");
    }
    return (int) v;
  }

  default boolean asBoolean() {
    if (this instanceof JsonBool b) {
      return b.value();
    }
    throw at().error("expected true or false, found " + describe());
  }

  /** A short description for messages: the kind and, for scalars, the value. */
  default String describe() {
    switch (kind()) {
      case OBJECT:
        return "an object";
      case ARRAY:
        return "an array";
      case STRING:
        return "string " + JsonWriter.compact(this);
      default:
        return JsonWriter.compact(this);
    }
  }
}
