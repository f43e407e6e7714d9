package io.xdpemu.ebpf.isa;

/**
 * One 8-byte instruction slot, exactly as on the wire (RFC 9669 section 3):
 *
 * <pre>
 *  byte 0     byte 1            bytes 2-3        bytes 4-7
 * +--------+--------+--------+----------------+--------------------------------+
 * | opcode | src:4  | dst:4  |  offset (s16)  |          imm (s32)             |
 * +--------+--------+--------+----------------+--------------------------------+
 *            (little-endian host: dst is the low nibble of byte 1)
 * </pre>
 *
 * <p>{@code ld_imm64} occupies two slots; the second is an {@code Insn} with opcode 0 whose {@code
 * imm} holds the upper 32 bits. Program counters everywhere (verifier log, traps, disassembly,
 * relocations) count slots, as the kernel does.
 */
public record Insn(int opcode, int dst, int src, int off, int imm) {

  public Insn {
    if ((opcode & ~0xff) != 0 || (dst & ~0xf) != 0 || (src & ~0xf) != 0) {
      throw new IllegalArgumentException("field out of range: " + opcode + "/" + dst + "/" + src);
    }
    if (off < Short.MIN_VALUE || off > Short.MAX_VALUE) {
      throw new IllegalArgumentException("offset out of s16 range: " + off);
    }
  }

  public int cls() {
    return opcode & 0x07;
  }

  /** Encodes this slot as the 64-bit little-endian word (opcode in the low byte). */
  public long encode() {
    return (opcode & 0xffL)
        | ((long) (dst & 0xf) << 8)
        | ((long) (src & 0xf) << 12)
        | ((off & 0xffffL) << 16)
        | ((imm & 0xffffffffL) << 32);
  }

  /** Decodes one slot from its 64-bit little-endian word; no validation (see the decoder). */
  public static Insn decode(long word) {
    return new Insn(
        (int) (word & 0xff),
        (int) ((word >>> 8) & 0xf),
        (int) ((word >>> 12) & 0xf),
        (short) (word >>> 16),
        (int) (word >>> 32));
  }

  public Insn withImm(int newImm) {
    return new Insn(opcode, dst, src, off, newImm);
  }

  public Insn withOff(int newOff) {
    return new Insn(opcode, dst, src, newOff, imm);
  }

  public Insn withSrc(int newSrc) {
    return new Insn(opcode, dst, newSrc, off, imm);
  }

  public Insn withOpcode(int newOpcode) {
    return new Insn(newOpcode, dst, src, off, imm);
  }
}
