package io.xdpemu.ebpf.jit;

/**
 * An access the verifier proved safe faulted at run time: a verifier bug, not something the program
 * did. Deliberately not a {@link io.xdpemu.ebpf.vm.TrapException} (which a replay counts as
 * XDP_ABORTED) nor any {@link io.xdpemu.ebpf.XdpemuException}: it reaches the command line as an
 * internal error.
 */
public final class ProvenAccessFaultedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final int pc;

  private ProvenAccessFaultedException(int pc, String message, Throwable cause) {
    super(message, cause);
    this.pc = pc;
  }

  static ProvenAccessFaultedException at(int pc, long addr, int size, Throwable cause) {
    return new ProvenAccessFaultedException(
        pc,
        String.format(
            "verifier bug: the access of size %d at 0x%x (pc %d) was proven safe but faulted%s",
            size, addr, pc, cause == null ? " (no such map value)" : ": " + cause),
        cause);
  }

  /** The instruction that faulted. */
  public int pc() {
    return pc;
  }
}
