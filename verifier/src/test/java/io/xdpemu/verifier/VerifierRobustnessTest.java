package io.xdpemu.verifier;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Garbage in, verdict out: random instruction streams (valid opcodes and junk, bad registers, wild
 * offsets, truncated ld_imm64) must produce an accept/reject result, never a JVM exception.
 */
class VerifierRobustnessTest {
  private static final int[] OPCODES = {
    0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x47, 0x4f, 0x57, 0x5f, 0x67, 0x6f, 0x77, 0x7f,
    0x87, 0x97, 0x9f, 0xa7, 0xaf, 0xb7, 0xbf, 0xc7, 0xcf, 0xd4, 0xdc, 0xd7, 0x04, 0x0c, 0x14, 0x24,
    0x34, 0x3c, 0x44, 0x54, 0x64, 0x74, 0x84, 0x94, 0xa4, 0xb4, 0xbc, 0xc4, 0x61, 0x69, 0x71, 0x79,
    0x81, 0x89, 0x91, 0x62, 0x6a, 0x72, 0x7a, 0x63, 0x6b, 0x73, 0x7b, 0xc3, 0xdb, 0x18, 0x20, 0x40,
    0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d, 0x55, 0x5d, 0x65, 0x6d, 0x75, 0x7d, 0xa5,
    0xad, 0xb5, 0xbd, 0xc5, 0xcd, 0xd5, 0xdd, 0x16, 0x1e, 0x26, 0x2e, 0xa6, 0xae, 0x85, 0x95, 0x06,
    0xe5, 0x00, 0xff
  };

  @Test
  void randomProgramsGetAVerdictNotAnException() {
    Random rnd = new Random(2026);
    int[] helpers = {
      1, 2, 3, 5, 6, 7, 8, 12, 23, 25, 28, 44, 51, 54, 65, 113, 130, 131, 132, 181, 189, 190, 999,
      -1
    };
    for (int n = 0; n < 4000; n++) {
      int len = 1 + rnd.nextInt(24);
      Insn[] p = new Insn[len];
      String[] prologue = {
        "ldxw %r2, [%r1+0]",
        "ldxw %r3, [%r1+4]",
        "mov %r0, 0",
        "mov %r4, %r10",
        "add %r4, -16",
        "ldxw %r5, [%r1+8]",
        "stdw [%r10-8], 0"
      };
      int start = 0;
      if (rnd.nextBoolean() && len > prologue.length + 1) {
        Insn[] pro = io.xdpemu.ebpf.isa.Assembler.assemble(String.join("\n", prologue));
        System.arraycopy(pro, 0, p, 0, pro.length);
        start = pro.length;
      }
      for (int i = start; i < len; i++) {
        int op = OPCODES[rnd.nextInt(OPCODES.length)];
        int dst = rnd.nextInt(12);
        int src = rnd.nextInt(12);
        int off = rnd.nextInt(9) == 0 ? (short) rnd.nextInt() : rnd.nextInt(len + 2) - 2;
        int imm = rnd.nextInt(4) == 0 ? rnd.nextInt() : rnd.nextInt(64) - 8;
        if (op == Opcodes.CALL_OP) {
          src = rnd.nextInt(4) == 0 ? 1 : 0;
          imm = src == 1 ? rnd.nextInt(len) - i - 1 : helpers[rnd.nextInt(helpers.length)];
          dst = 0;
        }
        p[i] = new Insn(op, dst, src, off, imm);
      }
      if (rnd.nextBoolean()) {
        p[len - 1] = new Insn(Opcodes.EXIT_OP, 0, 0, 0, 0);
      }
      for (boolean priv : new boolean[] {true, false}) {
        VerifierResult r =
            Verifier.verify(p, new VerifierOptions(priv, rnd.nextInt(3), ProgramInfo.NONE, 20000));
        assertNotNull(r);
        if (r.errorMessage().startsWith("verifier internal error")) {
          throw new AssertionError(r.errorMessage() + "\n" + java.util.Arrays.toString(p));
        }
      }
    }
  }
}
