package io.xdpemu.verifier.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.xdpemu.ebpf.facts.ProgramFacts;
import io.xdpemu.ebpf.isa.Assembler;
import org.junit.jupiter.api.Test;

/**
 * Sign-extending loads of {@code xdp_md}'s scalar fields run as in Linux 6.18: the kernel accepts
 * {@code r0 = *(s32 *)(r1 + 12)} and returns the field (BPF_PROG_TEST_RUN: ingress_ifindex 1,
 * rx_queue_index 0); narrower sign-extending context loads are refused by both verifiers.
 */
class ContextLoadRunTest {
  @Test
  void signExtendingLoadOfContextFieldReturnsTheField() {
    try (XdpemuRunner runner = new XdpemuRunner(VerifierDifferentialTest.ARRAY)) {
      for (boolean jit : new boolean[] {false, true}) {
        XdpemuRunner.Result r =
            runner
                .load(Assembler.assemble("ldxsw %r0, [%r1+12]\nexit"), jit, ProgramFacts.NONE)
                .run(new byte[20]);
        assertNull(r.trap(), r.trap());
        assertEquals(1, r.retval());
        r =
            runner
                .load(Assembler.assemble("ldxsw %r0, [%r1+16]\nexit"), jit, ProgramFacts.NONE)
                .run(new byte[20]);
        assertNull(r.trap(), r.trap());
        assertEquals(0, r.retval());
      }
    }
  }
}
