package io.xdpemu.ebpf.core;

import io.xdpemu.ebpf.ProgramRejectedException;

/**
 * A CO-RE relocation that fails the load, as libbpf fails bpf_object__relocate_core (ambiguity,
 * unparsable access string, instruction not holding the local value, ...). Unresolvable but
 * well-formed relocations do not throw: they poison the instruction.
 */
public class CoreRelocationException extends ProgramRejectedException {
  public CoreRelocationException(String message) {
    super("CO-RE relocation failed: " + message);
  }
}
