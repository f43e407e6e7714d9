package io.xdpemu.ebpf.isa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.xdpemu.ebpf.MalformedInputException;
import org.junit.jupiter.api.Test;

class DecoderTest {
  private static String refusal(Insn... insns) {
    return assertThrows(MalformedInputException.class, () -> Decoder.validate(insns)).getMessage();
  }

  private static final Insn EXIT = new Insn(0x95, 0, 0, 0, 0);

  /**
   * What the kernel refuses only when do_check() reaches it is deferred, not refused up front: a
   * register above r10 in a load (check_reg_arg) and the operand size of a byte/half-word atomic
   * (check_atomic); the differential found both in dead code, accepted by Linux 6.18.
   */
  @Test
  void registerNumbersOfLoadsAndAtomicOperandSizesAreCheckedOnlyWhenReached() {
    Insn ldxR11 = new Insn(0x61, 11, 1, 0, 0); // r11 = *(u32 *)(r1 + 0)
    Insn atomicB = new Insn(0xd3, 10, 1, -8, 0x00); // lock *(u8 *)(r10 - 8) += r1
    Insn[] prog = {new Insn(0xb7, 0, 0, 0, 0), EXIT, ldxR11, atomicB, EXIT};
    EncodingException[] deferred = Decoder.validateDeferring(prog);
    assertEquals("R11 is invalid", deferred[2].kernelMessage());
    assertEquals("invalid atomic operand size", deferred[3].kernelMessage());
    refusal(prog); // the strict decoder (--no-verify) still refuses them
    // LDX reserved fields are checked up front (resolve_pseudo_ldimm64), reached or not
    Insn ldxReserved = new Insn(0x61, 2, 1, 0, 5);
    assertThrows(
        MalformedInputException.class,
        () ->
            Decoder.validateDeferring(
                new Insn[] {new Insn(0xb7, 0, 0, 0, 0), EXIT, ldxReserved, EXIT}));
  }

  @Test
  void acceptsEveryRfc9669FormTheAssemblerProduces() {
    String asm =
        String.join(
            "\n",
            "add %r1, 1",
            "sub32 %r1, %r2",
            "sdiv32 %r1, 3",
            "smod %r1, %r2",
            "movsx832 %r1, %r2",
            "movsx3264 %r1, %r2",
            "neg %r1",
            "le16 %r1",
            "be64 %r1",
            "bswap32 %r1",
            "ldxsw %r1, [%r10-4]",
            "ldxdw %r1, [%r10-8]",
            "stb [%r10-1], 1",
            "stxw [%r10-4], %r1",
            "lock xchg [%r10-8], %r1",
            "lock fetch xor32 [%r10-4], %r1",
            "lock cmpxchg32 [%r10-4], %r1",
            "jsle32 %r1, -1, +0",
            "jset %r1, %r2, +0",
            "ja32 +0",
            "call 1",
            "call runtime 7",
            "call %r3",
            "call local f",
            "lddw %r2, 0x1122334455667788",
            "exit",
            "f:",
            "exit");
    assertEquals(28, Decoder.validate(Assembler.assemble(asm)).length);
  }

  @Test
  void acceptsPseudoLdImm64SourcesZeroToSix() {
    for (int src = 0; src <= 6; src++) {
      Decoder.validate(new Insn[] {new Insn(0x18, 1, src, 0, 3), new Insn(0, 0, 0, 0, 0), EXIT});
    }
    assertEquals(
        "malformed instruction 0: invalid ld_imm64 src 7 (expected 0..6)",
        refusal(new Insn(0x18, 1, 7, 0, 3), new Insn(0, 0, 0, 0, 0), EXIT));
  }

  @Test
  void kfuncCallsMayCarryAModuleBtfIndexInTheOffsetHelperCallsMayNot() {
    Decoder.validate(new Insn[] {new Insn(0x85, 0, 2, 3, 12345), EXIT});
    assertEquals(
        "malformed instruction 0: non-zero offset field (3) in call",
        refusal(new Insn(0x85, 0, 0, 3, 1), EXIT));
  }

  @Test
  void narrowAtomicsAreOnlyLoadAcquireAndStoreRelease() {
    Decoder.validate(new Insn[] {new Insn(0xd3, 1, 10, -1, 0x100), EXIT});
    Decoder.validate(new Insn[] {new Insn(0xcb, 10, 1, -2, 0x110), EXIT});
    assertEquals(
        "malformed instruction 0: invalid atomic operation 0x0 for size u8",
        refusal(new Insn(0xd3, 1, 2, 0, 0x00), EXIT));
    assertEquals(
        "malformed instruction 0: write to frame pointer r10 (read-only)",
        refusal(new Insn(0xdb, 10, 1, 0, 0x100), EXIT));
  }

  @Test
  void refusesStructuralErrorsNamingTheIndex() {
    assertEquals("malformed program: no instructions", refusal());
    assertEquals(
        "malformed instruction 1: unknown opcode 0x8e", refusal(EXIT, new Insn(0x8e, 0, 0, 0, 0)));
    assertEquals(
        "malformed instruction 0: invalid dst register r11", refusal(new Insn(0xb7, 11, 0, 0, 0)));
    assertEquals(
        "malformed instruction 0: invalid src register r12",
        refusal(new Insn(0xbf, 1, 12, 0, 0), EXIT));
    assertEquals(
        "malformed instruction 0: write to frame pointer r10 (read-only)",
        refusal(new Insn(0x07, 10, 0, 0, 8), EXIT));
    assertEquals(
        "malformed instruction 0: jump target 3 out of range [0, 2)",
        refusal(new Insn(0x05, 0, 0, 2, 0), EXIT));
    assertEquals(
        "malformed instruction 0: jump target 2 is the second slot of ld_imm64",
        refusal(new Insn(0x05, 0, 0, 1, 0), new Insn(0x18, 0, 0, 0, 0), new Insn(0, 0, 0, 0, 0)));
    assertEquals(
        "malformed instruction 1: incomplete ld_imm64: missing second slot",
        refusal(EXIT, new Insn(0x18, 0, 0, 0, 0)));
    assertEquals(
        "malformed instruction 0: non-zero src field (1) in add32 dst, imm",
        refusal(new Insn(0x04, 0, 1, 0, 1), EXIT));
    assertEquals(
        "malformed instruction 0: invalid call src 3 (0 helper, 1 local, 2 kfunc)",
        refusal(new Insn(0x85, 0, 3, 0, 1), EXIT));
    assertEquals(
        "malformed instruction 0: jump target -1 out of range [0, 2)",
        refusal(new Insn(0x85, 0, 1, 0, -2), EXIT));
  }

  @Test
  void decodesLittleEndianBytes() {
    byte[] code = {(byte) 0xb7, 0x00, 0, 0, 2, 0, 0, 0, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0};
    Insn[] p = Decoder.decode(code);
    assertEquals(new Insn(0xb7, 0, 0, 0, 2), p[0]);
    assertThrows(MalformedInputException.class, () -> Decoder.decode(new byte[7]));
  }
}
