package io.xdpemu.nic.firmware;

/**
 * The last step of validation: bounds on everything the data path relies on, so that a firmware
 * that loads never fails while frames flow (issue 12: "a firmware that validates never fails at run
 * time"). Checked on the model, independent of how the file was read. Every read of the parser,
 * classifier and layout writers stays inside the header it names, because each field lies inside
 * its header's shortest possible length (in 64-bit arithmetic: a field at bit 2^31-1 once wrapped
 * an int and passed); every value the exports write fits its C type.
 */
final class FirmwareBounds {
  private FirmwareBounds() {}

  /** Largest ptype: enum values and metadata fields carrying it are at most 32 bits. */
  static final long PTYPE_MAX = 0xffff_ffffL;

  /**
   * Most header types: the compiled firmware keeps two int locals per header type (a method has at
   * most 65535 local slots), and no NIC parser has more protocols than this.
   */
  static final int HEADER_TYPES_MAX = 1024;

  /** Most components of one select key (the compiled firmware keeps each in a long local). */
  static final int KEY_COMPONENTS_MAX = 16;

  static void check(Firmware fw) {
    if (fw.headers().size() > HEADER_TYPES_MAX) {
      throw fw.headers()
          .get(HEADER_TYPES_MAX)
          .at()
          .error(
              fw.headers().size()
                  + " header types: at most "
                  + HEADER_TYPES_MAX
                  + " (this is header type "
                  + (HEADER_TYPES_MAX + 1)
                  + ")");
    }
    for (ParseState s : fw.states()) {
      if (s.keys().length > KEY_COMPONENTS_MAX) {
        throw s.at()
            .error(
                "state \""
                    + s.name()
                    + "\" selects on "
                    + s.keys().length
                    + " fields: at most "
                    + KEY_COMPONENTS_MAX);
      }
    }
    for (HeaderType h : fw.headers()) {
      checkHeader(h);
    }
    if (fw.defaultPtype() < 0 || fw.defaultPtype() > PTYPE_MAX) {
      throw (fw.ptypes().isEmpty() ? fw.headers().get(0).at() : fw.ptypes().get(0).at())
          .error("default ptype " + fw.defaultPtype() + " does not fit 32 bits (0..4294967295)");
    }
    for (PtypeRule r : fw.ptypes()) {
      if (r.ptype() < 0 || r.ptype() > PTYPE_MAX) {
        throw r.at()
            .error(
                "ptype "
                    + r.ptype()
                    + " of rule \""
                    + r.name()
                    + "\" does not fit 32 bits (0..4294967295)");
      }
    }
  }

  private static void checkHeader(HeaderType h) {
    HeaderType.Length l = h.length();
    long shortest = l.fixed() ? l.add() : Math.max(l.min(), h.minBytes());
    if (shortest < 1 || shortest > 65535 || l.max() > 65535) {
      throw h.at().error("header " + h.name() + ": length must stay within 1..65535 bytes");
    }
    for (HeaderType.Field f : h.fields()) {
      long end = (long) f.bitOffset() + f.width();
      if (f.bitOffset() < 0 || f.width() < 1 || end > shortest * 8) {
        throw f.at()
            .error(
                "field \""
                    + f.name()
                    + "\" of header "
                    + h.name()
                    + " (bits "
                    + f.bitOffset()
                    + ".."
                    + (end - 1)
                    + ") does not fit the header's "
                    + shortest
                    + " bytes");
      }
    }
  }
}
