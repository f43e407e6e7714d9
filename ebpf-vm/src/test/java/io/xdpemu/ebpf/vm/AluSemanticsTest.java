package io.xdpemu.ebpf.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.xdpemu.ebpf.isa.Opcodes;
import org.junit.jupiter.api.Test;

class AluSemanticsTest {
  @Test
  void divisionByZeroYieldsZeroAndModuloByZeroKeepsTheDividend() {
    assertEquals(0, AluSemantics.udiv64(42, 0));
    assertEquals(0, AluSemantics.sdiv64(-42, 0));
    assertEquals(42, AluSemantics.umod64(42, 0));
    assertEquals(-42, AluSemantics.smod64(-42, 0));
    assertEquals(0, AluSemantics.udiv32(0x1_0000_0005L, 0x1_0000_0000L)); // divisor's low word 0
    assertEquals(0xffffffffL, AluSemantics.umod32(-1L, 0)); // ALU truncates the kept dividend
    assertEquals(0xfffffffeL, AluSemantics.smod32(-2L, 0));
  }

  @Test
  void signedOverflowCasesFollowTheKernelIsaDoc() {
    assertEquals(Long.MIN_VALUE, AluSemantics.sdiv64(Long.MIN_VALUE, -1));
    assertEquals(0, AluSemantics.smod64(Long.MIN_VALUE, -1));
    assertEquals(0x80000000L, AluSemantics.sdiv32(Integer.MIN_VALUE, -1));
    assertEquals(0, AluSemantics.smod32(Integer.MIN_VALUE, -1));
    assertEquals(-1, AluSemantics.smod64(-13, 3)); // truncated, not floored
  }

  @Test
  void unsignedDivisionTreatsNegativeDivisorsAsHugeNumbers() {
    assertEquals(1, AluSemantics.udiv64(-1L, -1L));
    assertEquals(0, AluSemantics.udiv64(5, -1L));
    assertEquals(2, AluSemantics.udiv32(0xfffffffeL, 0x7fffffffL));
  }

  @Test
  void shiftsMaskTheirCountAndThirtyTwoBitResultsZeroExtend() {
    assertEquals(0x10000000L, AluSemantics.lsh32(1, 60)); // 60 & 31 = 28
    assertEquals(0xffffffffL, AluSemantics.arsh32(0x80000000L, 31));
    assertEquals(1, AluSemantics.rsh32(0xffffffff_80000000L, 31));
  }

  @Test
  void byteSwapsAndSignExtensionsTruncateToTheirWidth() {
    assertEquals(0x1122, AluSemantics.toLe(0x3344_1122L, 16));
    assertEquals(0x2211, AluSemantics.bswap(0x3344_1122L, 16));
    assertEquals(0x44332211L, AluSemantics.bswap(0x11223344L, 32));
    assertEquals(0x8877665544332211L, AluSemantics.bswap(0x1122334455667788L, 64));
    assertEquals(-128, AluSemantics.movsx64(0x80, 8));
    assertEquals(0xffffff80L, AluSemantics.movsx32(0x80, 8));
    assertEquals(-1, AluSemantics.movsx64(0xffffffffL, 32));
  }

  @Test
  void atomicsReturnTheOldValueZeroExtendedForThirtyTwoBits() {
    byte[] b = new byte[16];
    assertEquals(0, AluSemantics.atomic(b, 8, true, Opcodes.ADD | Opcodes.FETCH, 5, 0));
    assertEquals(5, AluSemantics.atomic(b, 8, true, Opcodes.XCHG, -1, 0));
    assertEquals(-1, AluSemantics.atomic(b, 8, true, Opcodes.CMPXCHG, 3, 7)); // no match
    assertEquals(-1, AluSemantics.atomic(b, 8, true, Opcodes.CMPXCHG, 3, -1)); // match
    assertEquals(3, AluSemantics.atomic(b, 8, false, Opcodes.AND, 0, 0));
    assertEquals(0L, AluSemantics.atomic(b, 8, false, Opcodes.OR | Opcodes.FETCH, 0xf0, 0));
    assertEquals(0, AluSemantics.atomic(b, 0, false, Opcodes.XCHG, -1, 0));
    assertEquals(0xffffffffL, AluSemantics.atomic(b, 0, false, Opcodes.ADD | Opcodes.FETCH, 1, 0));
    assertEquals(0, (int) MemoryAccess.I32.get(b, 0)); // wrapped within 32 bits
    assertThrows(
        IllegalStateException.class, () -> AluSemantics.atomic(b, 3, false, Opcodes.ADD, 1, 0));
  }
}
