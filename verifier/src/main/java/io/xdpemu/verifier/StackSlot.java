package io.xdpemu.verifier;

/**
 * One 8-byte stack slot ({@code struct bpf_stack_state}): a type per byte and, for spills, the
 * spilled register. Byte index j is the byte at {@code fp - 8*spi - 1 - j}, as in the kernel, so
 * the printed form {@code mmmm????} lists the highest address first.
 */
final class StackSlot {
  static final byte INVALID = 0;
  static final byte SPILL = 1;
  static final byte MISC = 2;
  static final byte ZERO = 3;

  final byte[] types;
  RegState spilled;

  /** The placeholder of slots without a spill; replaced, never modified, when a spill arrives. */
  private static final RegState NOT_SPILLED = RegState.notInit();

  StackSlot() {
    this.types = new byte[8];
    this.spilled = NOT_SPILLED;
  }

  private StackSlot(byte[] types, RegState spilled) {
    this.types = types;
    this.spilled = spilled;
  }

  static char typeChar(byte t) {
    switch (t) {
      case SPILL:
        return 'r';
      case MISC:
        return 'm';
      case ZERO:
        return '0';
      default:
        return '?';
    }
  }

  StackSlot copy() {
    // a slot that holds no spill keeps its (never modified) NOT_INIT placeholder shared
    return new StackSlot(
        types.clone(), spilled.type == RegType.NOT_INIT && !isSpill() ? spilled : spilled.copy());
  }

  boolean isSpill() {
    return types[7] == SPILL;
  }

  /** A full 8-byte spill (is_spilled_reg with all bytes STACK_SPILL). */
  boolean isFullSpill() {
    for (byte t : types) {
      if (t != SPILL) {
        return false;
      }
    }
    return true;
  }

  /**
   * scrub_spilled_slot() on all eight bytes: the spill is gone and every byte ever written, zeros
   * included, becomes unknown data.
   */
  void scrub() {
    for (int j = 0; j < 8; j++) {
      if (types[j] != INVALID) {
        types[j] = MISC;
      }
    }
    spilled = NOT_SPILLED;
  }

  void invalidateSpill() {
    for (int j = 0; j < 8; j++) {
      if (types[j] == SPILL) {
        types[j] = MISC;
      }
    }
    spilled = NOT_SPILLED;
  }
}
