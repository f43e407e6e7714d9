package io.xdpemu.ebpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xdpemu.ebpf.isa.Insn;
import org.junit.jupiter.api.Test;

class InsnEncodingTest {
  @Test
  void slotRoundTripsThroughItsWireWord() {
    // lddw slot from the conformance suite's lddw.data raw section: opcode in the low byte.
    long word = 0x5566778800000018L;
    Insn insn = Insn.decode(word);
    assertEquals(0x18, insn.opcode());
    assertEquals(0x55667788, insn.imm());
    assertEquals(word, insn.encode());
    Insn neg = new Insn(0x05, 0, 0, -2, 0);
    assertEquals(neg, Insn.decode(neg.encode()));
  }
}
