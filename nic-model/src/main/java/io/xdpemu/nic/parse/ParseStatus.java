package io.xdpemu.nic.parse;

/**
 * How a parse ended; names follow P4's parser errors (p4c core.p4). Anything but {@link #OK} still
 * leaves the headers extracted before the problem in the result, so a malformed frame is
 * classified, never a crash.
 */
public enum ParseStatus {
  /** Reached accept. */
  OK,
  /** PacketTooShort: a header (or a lookahead) runs past the end of the frame. */
  TRUNCATED,
  /** HeaderTooShort: a computed header length is outside its [min, max]. */
  BAD_LENGTH,
  /** NoMatch / reject: no transition matched and there was no default, or "reject". */
  REJECTED,
  /** ParserTimeout: more headers (or steps) than the firmware's max_depth. */
  TOO_DEEP,
  /** StackOutOfBounds: a repeatable header (VLAN, MPLS) repeated more than max_repeat. */
  STACK_OVERFLOW
}
