package io.xdpemu.nic.firmware;

import io.xdpemu.ebpf.jackson.Position;
import java.util.List;

/**
 * A header the parser can extract: named fields at bit offsets (network bit order, bit 0 is the
 * most significant bit of the first byte, as in P4/bmv2) and a length that is fixed or computed
 * from fields.
 *
 * @param minBytes bytes that must be present before the length can be computed (the fixed length,
 *     or the bytes covering every field the length rule reads, at least {@code length.min})
 */
public record HeaderType(
    int id,
    String name,
    Protocol protocol,
    List<Field> fields,
    Length length,
    int minBytes,
    Position at) {

  /** One field: {@code width} bits starting {@code bitOffset} bits into the header. */
  public record Field(String name, int bitOffset, int width, Position at) {}

  /**
   * {@code length = add + sum(field[i] * mul[i])}, checked against {@code [min, max]}. A fixed
   * length has no terms and min == max == add.
   */
  public record Length(int add, int[] termField, int[] termMul, int min, int max) {
    public boolean fixed() {
      return termField.length == 0;
    }
  }

  public int fieldIndex(String fieldName) {
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).name().equals(fieldName)) {
        return i;
      }
    }
    return -1;
  }
}
