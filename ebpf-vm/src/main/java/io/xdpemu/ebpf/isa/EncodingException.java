package io.xdpemu.ebpf.isa;

import io.xdpemu.ebpf.MalformedInputException;

/**
 * A slot the {@link Decoder} refuses. Besides xdpemu's own message (instruction index and the field
 * at fault) it carries the words the kernel's verifier uses for the same encoding ({@code "BPF_ALU
 * uses reserved fields"}, {@code "unknown opcode df"}, ...), so that the verifier rejects with the
 * kernel's message exactly the encodings the engines refuse: one decoder for both.
 */
public final class EncodingException extends MalformedInputException {
  private final int pc;
  private final String kernelMessage;

  EncodingException(int pc, String what, String kernelMessage) {
    super("malformed instruction " + pc + ": " + what);
    this.pc = pc;
    this.kernelMessage = kernelMessage;
  }

  /** The slot at fault. */
  public int pc() {
    return pc;
  }

  /** What Linux's verifier says about this encoding. */
  public String kernelMessage() {
    return kernelMessage;
  }
}
