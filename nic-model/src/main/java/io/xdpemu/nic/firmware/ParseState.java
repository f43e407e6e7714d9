package io.xdpemu.nic.firmware;

import io.xdpemu.ebpf.jackson.Position;

/**
 * One state of the parse graph: optionally extract a header, then select the next state on a key
 * (fields of headers already extracted, or bits looked ahead past the cursor) by value/mask, first
 * match wins, else the default.
 *
 * @param header header type extracted here, or -1 for a pure branching state
 * @param maxRepeat how many times in a row this state may run (VLAN and MPLS stacks); 1 = no
 *     repeat; exceeding it ends the parse with {@code STACK_OVERFLOW}
 * @param enterInner headers after this state belong to the next tunnel level (inner headers)
 */
public record ParseState(
    int id,
    String name,
    int header,
    int maxRepeat,
    boolean enterInner,
    Key[] keys,
    Transition[] transitions,
    int defaultNext,
    Position at) {
  /** Pseudo state numbers for the end of the parse. */
  public static final int ACCEPT = -1;

  public static final int REJECT = -2;

  /**
   * One component of the select key: {@code width} (at most 64) bits at {@code bitOffset} in the
   * most recent instance of {@code header}, or, when {@code header == -1}, at {@code bitOffset}
   * past the cursor (lookahead).
   */
  public record Key(int header, int bitOffset, int width, String text) {}

  /** Matches when {@code (key[i] & masks[i]) == values[i]} for every component. */
  public record Transition(long[] values, long[] masks, int next, Position at) {}
}
