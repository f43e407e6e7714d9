package io.xdpemu.ebpf.json;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A JSON number, kept as its canonical text so that 64-bit unsigned values (map contents, kernel
 * addresses) and decimals survive a read/write round trip exactly. Integral values are written
 * without exponent or fraction; {@link #of(double)} writes the shortest text Java gives.
 */
public record JsonNumber(String text, Position at) implements JsonValue {
  private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  public JsonNumber {
    java.util.Objects.requireNonNull(text, "text");
    java.util.Objects.requireNonNull(at, "at");
  }

  public static JsonNumber of(long value) {
    return new JsonNumber(Long.toString(value), Position.NONE);
  }

  /** A 64-bit value written as unsigned (0 .. 2^64-1). */
  public static JsonNumber ofUnsigned(long value) {
    return new JsonNumber(Long.toUnsignedString(value), Position.NONE);
  }

  public static JsonNumber of(BigInteger value) {
    return new JsonNumber(value.toString(), Position.NONE);
  }

  /** Finite doubles only (JSON has no NaN or infinity). */
  public static JsonNumber of(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("JSON has no representation for " + value);
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return of((long) value);
    }
    return new JsonNumber(Double.toString(value), Position.NONE);
  }

  public BigDecimal bigDecimalValue() {
    return new BigDecimal(text);
  }

  public boolean isIntegral() {
    BigDecimal d = bigDecimalValue();
    return d.signum() == 0 || d.stripTrailingZeros().scale() <= 0;
  }

  /** The exact integral value; an error naming the position when fractional or beyond 64 bits. */
  public BigInteger bigIntegerValue() {
    if (!isIntegral()) {
      throw at.error("expected an integer, found " + text);
    }
    return bigDecimalValue().toBigIntegerExact();
  }

  /** The value as a signed long; an error when it is fractional or outside the long range. */
  public long longValue() {
    BigInteger v = bigIntegerValue();
    if (v.bitLength() > 63) {
      throw at.error("integer " + text + " does not fit in 64 bits (signed)");
    }
    return v.longValue();
  }

  /** A value in [-2^63, 2^64-1] as its 64-bit pattern (so u64 values like 2^64-1 are accepted). */
  public long bits64() {
    BigInteger v = bigIntegerValue();
    if (v.compareTo(U64_MAX) > 0 || v.bitLength() > 64 && v.signum() < 0) {
      throw at.error("integer " + text + " does not fit in 64 bits");
    }
    return v.longValue();
  }

  public double doubleValue() {
    return Double.parseDouble(text);
  }

  @Override
  public Kind kind() {
    return Kind.NUMBER;
  }

  /** Numbers are equal when their values are equal (1.0 equals 1, 1e2 equals 100). */
  @Override
  public boolean equals(Object o) {
    return o instanceof JsonNumber n && n.bigDecimalValue().compareTo(bigDecimalValue()) == 0;
  }

  @Override
  public int hashCode() {
    BigDecimal d = bigDecimalValue();
    return d.signum() == 0 ? 0 : d.stripTrailingZeros().hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
