package io.xdpemu.ebpf.isa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.MalformedInputException;
import org.junit.jupiter.api.Test;

class AssemblerTest {
  private static long[] words(String asm) {
    Insn[] insns = Assembler.assemble(asm);
    long[] w = new long[insns.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = insns[i].encode();
    }
    return w;
  }

  @Test
  void lddwMatchesTheSuitesRawEncoding() {
    // tests/lddw.data: the -- raw section of the same program.
    assertArrayEquals(
        new long[] {0x5566778800000018L, 0x1122334400000000L, 0x0000000000000095L},
        words("lddw %r0, 0x1122334455667788\nexit"));
  }

  @Test
  void encodesAluFormsWithClassSourceAndSignedOffsets() {
    Insn[] p =
        Assembler.assemble(
            String.join(
                "\n",
                "add32 %r1, 0xffffffff",
                "sdiv %r2, %r3",
                "smod32 %r2, -7",
                "movsx1664 %r4, %r5",
                "neg32 %r1",
                "be16 %r1",
                "bswap64 %r2",
                "mov %r0, -1"));
    assertEquals(new Insn(0x04, 1, 0, 0, -1), p[0]);
    assertEquals(new Insn(0x3f, 2, 3, 1, 0), p[1]);
    assertEquals(new Insn(0x94, 2, 0, 1, -7), p[2]);
    assertEquals(new Insn(0xbf, 4, 5, 16, 0), p[3]);
    assertEquals(new Insn(0x84, 1, 0, 0, 0), p[4]);
    assertEquals(new Insn(0xdc, 1, 0, 0, 16), p[5]);
    assertEquals(new Insn(0xd7, 2, 0, 0, 64), p[6]);
    assertEquals(new Insn(0xb7, 0, 0, 0, -1), p[7]);
  }

  @Test
  void encodesMemoryAtomicsAndCalls() {
    Insn[] p =
        Assembler.assemble(
            String.join(
                "\n",
                "ldxh %r3, [%r1+12]",
                "ldxsb %r3, [%r1-1]",
                "stxdw [%r10-8], %r0",
                "stw [%r10-4], 0x7fffffff",
                "lock fetch add32 [%r10-4], %r1",
                "lock cmpxchg [%r10-8], %r1",
                "call 5",
                "call %r2",
                "call local f",
                "exit",
                "f:",
                "exit"));
    assertEquals(new Insn(0x69, 3, 1, 12, 0), p[0]);
    assertEquals(new Insn(0x91, 3, 1, -1, 0), p[1]);
    assertEquals(new Insn(0x7b, 10, 0, -8, 0), p[2]);
    assertEquals(new Insn(0x62, 10, 0, -4, 0x7fffffff), p[3]);
    assertEquals(new Insn(0xc3, 10, 1, -4, 0x01), p[4]);
    assertEquals(new Insn(0xdb, 10, 1, -8, 0xf1), p[5]);
    assertEquals(new Insn(0x85, 0, 0, 0, 5), p[6]);
    assertEquals(new Insn(0x8d, 2, 0, 0, 0), p[7]);
    assertEquals(new Insn(0x85, 0, 1, 0, 1), p[8]);
  }

  @Test
  void resolvesLabelsCountingLddwAsTwoSlotsAndExitAsImplicitLabel() {
    Insn[] p =
        Assembler.assemble(
            String.join(
                "\n",
                "jeq %r1, 0, exit",
                "lddw %r0, 1",
                "ja32 back",
                "back:",
                "jne32 %r1, %r2, -3",
                "exit"));
    assertEquals(4, p[0].off()); // slots: jeq, lddw x2, ja32, jne32 -> exit at 5
    assertEquals(0, p[3].imm());
    assertEquals(-3, p[4].off());
    assertEquals(0x5e, p[4].opcode());
  }

  @Test
  void rejectsBadInputNamingTheLine() {
    String[] bad = {
      "or %r0, %r50",
      "mov32 %r0, 2147483648",
      "mov32 %r0, 0x100000000",
      "ja NOT_A_LABEL",
      "lock or [%r10-8]",
      "lock",
      "ldxq %r0, %r1",
      "ldxb %r0, %r1",
      "ldxb %r0, [%r1+0x10000]",
      "lddw %r0",
      "x:\nx:",
      "jeq %r1, 1"
    };
    for (String text : bad) {
      MalformedInputException e =
          assertThrows(MalformedInputException.class, () -> Assembler.assemble("exit\n" + text));
      assertTrue(e.getMessage().startsWith("malformed assembly line "), e.getMessage());
    }
  }

  @Test
  void acceptsTheSuitesNumberRanges() {
    assertEquals(-32768, Assembler.assemble("ldxb %r0, [%r1+0x8000]")[0].off());
    assertEquals(Integer.MIN_VALUE, Assembler.assemble("mov %r0, -2147483648")[0].imm());
    assertEquals(-1, Assembler.assemble("lddw %r0, -1")[1].imm());
  }
}
