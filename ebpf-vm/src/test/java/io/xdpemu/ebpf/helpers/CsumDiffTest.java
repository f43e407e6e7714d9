package io.xdpemu.ebpf.helpers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** bpf_csum_diff's results as Linux 6.18 returns them (BPF_PROG_TEST_RUN, 2026-12-05). */
class CsumDiffTest {
  @Test
  void withoutBuffersTheSeedIsFoldedTo16Bits() {
    byte[] none = new byte[0];
    assertEquals(0x68ac, CsumDiff.compute(none, none, 0x12345678));
    assertEquals(0x8000, CsumDiff.compute(none, none, 0x80000000L));
    assertEquals(5, CsumDiff.compute(none, none, 5));
    assertEquals(0xffff, CsumDiff.compute(none, none, 0xffffffffL));
    assertEquals(0xffff, CsumDiff.compute(none, none, 0xffff));
    assertEquals(1, CsumDiff.compute(none, none, 0x10000));
  }
}
