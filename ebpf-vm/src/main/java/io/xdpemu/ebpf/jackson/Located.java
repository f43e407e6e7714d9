package io.xdpemu.ebpf.jackson;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One value of a hand-written JSON file (see {@link JsonFiles}) with the position it starts at. The
 * {@code as*} accessors and {@link #require} throw a {@link io.xdpemu.ebpf.MalformedInputException}
 * naming the position when the value has another kind or is missing, which is what validation code
 * wants. Objects keep their keys in file order; arrays iterate their elements. Numbers keep their
 * exact value, so u64 map contents survive.
 */
public final class Located implements Iterable<Located> {
  private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  /** The kinds, for {@code switch}. */
  public enum Kind {
    OBJECT,
    ARRAY,
    STRING,
    NUMBER,
    BOOLEAN,
    NULL
  }

  private final Kind kind;
  private final Position at;
  private final Map<String, Located> members;
  private final List<Located> elements;
  private final String text; // strings, and numbers as written
  private final BigDecimal number;
  private final boolean bool;

  private Located(
      Kind kind,
      Position at,
      Map<String, Located> members,
      List<Located> elements,
      String text,
      BigDecimal number,
      boolean bool) {
    this.kind = kind;
    this.at = at;
    this.members = members;
    this.elements = elements;
    this.text = text;
    this.number = number;
    this.bool = bool;
  }

  static Located object(LinkedHashMap<String, Located> members, Position at) {
    return new Located(
        Kind.OBJECT, at, Collections.unmodifiableMap(members), List.of(), null, null, false);
  }

  static Located array(List<Located> elements, Position at) {
    return new Located(Kind.ARRAY, at, Map.of(), List.copyOf(elements), null, null, false);
  }

  /** A string value; also for names that validation code treats as values (object keys). */
  public static Located string(String value, Position at) {
    return new Located(Kind.STRING, at, Map.of(), List.of(), value, null, false);
  }

  static Located number(BigDecimal value, String text, Position at) {
    return new Located(Kind.NUMBER, at, Map.of(), List.of(), text, value, false);
  }

  static Located bool(boolean value, Position at) {
    return new Located(Kind.BOOLEAN, at, Map.of(), List.of(), null, null, value);
  }

  static Located nul(Position at) {
    return new Located(Kind.NULL, at, Map.of(), List.of(), null, null, false);
  }

  public Kind kind() {
    return kind;
  }

  public Position at() {
    return at;
  }

  // ---- kinds -----------------------------------------------------------------------------------

  public Located asObject() {
    return expect(Kind.OBJECT, "an object");
  }

  public Located asArray() {
    return expect(Kind.ARRAY, "an array");
  }

  public String asString() {
    return expect(Kind.STRING, "a string").text;
  }

  public boolean asBoolean() {
    return expect(Kind.BOOLEAN, "true or false").bool;
  }

  /** The exact integral value; an error naming the position when fractional or not a number. */
  public BigInteger asBigInteger() {
    expect(Kind.NUMBER, "a number");
    if (number.signum() != 0 && number.stripTrailingZeros().scale() > 0) {
      throw at.error("expected an integer, found " + text);
    }
    return number.toBigIntegerExact();
  }

  /** An integer that fits a signed long. */
  public long asLong() {
    BigInteger v = asBigInteger();
    if (v.bitLength() > 63) {
      throw at.error("integer " + text + " does not fit in 64 bits (signed)");
    }
    return v.longValue();
  }

  /** An integer that fits an int. */
  public int asInt() {
    long v = asLong();
    if (v != (int) v) {
      throw at.error("number " + v + " does not fit in 32 bits");
    }
    return (int) v;
  }

  /** A value in [-2^63, 2^64-1] as its 64-bit pattern (so u64 values like 2^64-1 are accepted). */
  public long bits64() {
    BigInteger v = asBigInteger();
    if (v.compareTo(U64_MAX) > 0 || v.bitLength() > 64 && v.signum() < 0) {
      throw at.error("integer " + text + " does not fit in 64 bits");
    }
    return v.longValue();
  }

  private Located expect(Kind k, String what) {
    if (kind != k) {
      throw at.error("expected " + what + ", found " + describe());
    }
    return this;
  }

  /** A short description for messages: the kind and, for scalars, the value. */
  public String describe() {
    switch (kind) {
      case OBJECT:
        return "an object";
      case ARRAY:
        return "an array";
      case STRING:
        return "string " + JsonOut.quote(text);
      case NUMBER:
        return text;
      case BOOLEAN:
        return Boolean.toString(bool);
      default:
        return "null";
    }
  }

  // ---- objects ---------------------------------------------------------------------------------

  /** The members in file order (empty for other kinds). */
  public Map<String, Located> members() {
    return members;
  }

  public Located get(String key) {
    return members.get(key);
  }

  public boolean has(String key) {
    return members.containsKey(key);
  }

  public Set<String> keys() {
    return members.keySet();
  }

  /** The member, or an error naming this object's position when it is missing. */
  public Located require(String key) {
    Located v = members.get(key);
    if (v == null) {
      throw at.error("missing \"" + key + "\"");
    }
    return v;
  }

  public String getString(String key, String fallback) {
    Located v = members.get(key);
    return v == null ? fallback : v.asString();
  }

  public long getLong(String key, long fallback) {
    Located v = members.get(key);
    return v == null ? fallback : v.asLong();
  }

  public int getInt(String key, int fallback) {
    Located v = members.get(key);
    return v == null ? fallback : v.asInt();
  }

  public boolean getBoolean(String key, boolean fallback) {
    Located v = members.get(key);
    return v == null ? fallback : v.asBoolean();
  }

  /**
   * Fails on the first key not in {@code allowed}, naming its position: catches typos in
   * hand-written files instead of silently ignoring them.
   */
  public void allowOnly(String... allowed) {
    Set<String> ok = Set.of(allowed);
    for (Map.Entry<String, Located> e : members.entrySet()) {
      if (!ok.contains(e.getKey())) {
        throw e.getValue()
            .at()
            .error(
                "unknown key \"" + e.getKey() + "\" (allowed: " + String.join(", ", allowed) + ")");
      }
    }
  }

  // ---- arrays ----------------------------------------------------------------------------------

  /** The elements (empty for other kinds). */
  public List<Located> elements() {
    return elements;
  }

  public int size() {
    return elements.size();
  }

  public Located get(int i) {
    return elements.get(i);
  }

  @Override
  public Iterator<Located> iterator() {
    return elements.iterator();
  }

  @Override
  public String toString() {
    return describe() + " at " + at;
  }
}
