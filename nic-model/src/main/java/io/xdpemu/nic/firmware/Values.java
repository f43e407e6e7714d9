package io.xdpemu.nic.firmware;

import io.xdpemu.ebpf.jackson.Located;

/** Numbers in firmware files: JSON integers or strings "0x8100", "0b101", "4789". */
final class Values {
  private Values() {}

  static long number(Located v) {
    if (v.kind() == Located.Kind.NUMBER) {
      return v.bits64();
    }
    String s = v.asString().trim().replace("_", "");
    try {
      if (s.startsWith("0x") || s.startsWith("0X")) {
        return Long.parseUnsignedLong(s.substring(2), 16);
      }
      if (s.startsWith("0b")) {
        return Long.parseUnsignedLong(s.substring(2), 2);
      }
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw v.at().error("expected a number (decimal, \"0x..\" or \"0b..\"), found \"" + s + "\"");
    }
  }

  /** A number that must fit an unsigned 32-bit field (a C enumerator, a ptype value). */
  static long u32(Located v) {
    long n = number(v);
    if (n < 0 || n > 0xffffffffL) {
      throw v.at().error("value " + n + " does not fit 32 bits (0..0xffffffff)");
    }
    return n;
  }
}
