package io.xdpemu.ebpf.vm;

import io.xdpemu.ebpf.XdpemuException;

/**
 * A run-time trap: out-of-bounds access, bad pointer, instruction budget exhausted, helper misuse
 * from an unverified program. The message names the pc and, for memory, the address, size and
 * region; it starts with {@code "trap at pc N: "}. In a replay a trap turns the packet into
 * XDP_ABORTED with this reason.
 */
public class TrapException extends XdpemuException {
  private final int pc;

  public TrapException(int pc, String what) {
    super("trap at pc " + pc + ": " + what, 2);
    this.pc = pc;
  }

  public TrapException(int pc, String what, Throwable cause) {
    super("trap at pc " + pc + ": " + what, 2, cause);
    this.pc = pc;
  }

  public int pc() {
    return pc;
  }
}
