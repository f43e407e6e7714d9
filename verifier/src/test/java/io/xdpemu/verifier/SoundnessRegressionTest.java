package io.xdpemu.verifier;

import static io.xdpemu.verifier.VerifierBehaviourTest.assertAccepted;
import static io.xdpemu.verifier.VerifierBehaviourTest.assertRejected;
import static io.xdpemu.verifier.VerifierBehaviourTest.root;

import io.xdpemu.ebpf.maps.MapDefinition;
import org.junit.jupiter.api.Test;

/**
 * False acceptances and rejections found by the generated-program differential against the kernel's
 * verifier (issue 14), one test per class. Every expected verdict and message was taken from Linux
 * 6.18 (BPF_PROG_LOAD as root, XDP, through {@code src/test/c/verifier-batch.c}).
 */
class SoundnessRegressionTest {
  /** An array map (key 4, value 16, one entry), as the differential's generator creates. */
  static final MapDefinition ARRAY16 =
      new MapDefinition("a", 2, 4, 16, 1, 0, 0, 0, 0, null, null, null, false);

  static final String LOOKUP =
      "stw [%r10-4], 0\n"
          + "mov %r2, %r10\n"
          + "add %r2, -4\n"
          + "lddw %r1, 0xfd\n"
          + "call 1\n"
          + "jne %r0, 0, +2\n"
          + "mov %r0, 0\n"
          + "exit\n";

  // ------------------------------------------------------------ alignment (check_ptr_alignment)

  @Test
  void rejectsMisalignedStackStore() {
    assertRejected(
        root("mov %r0, 0\nstxdw [%r10-12], %r0\nexit"),
        "misaligned stack access off 0+0+-12 size 8");
  }

  @Test
  void rejectsMisalignedStackStoreThroughVariableOffset() {
    assertRejected(
        root(
            "ldxw %r2, [%r1+16]\n"
                + "and %r2, 8\n"
                + "mov %r1, %r10\n"
                + "add %r1, -16\n"
                + "add %r1, %r2\n"
                + "stdw [%r1-4], 0\n"
                + "mov %r0, 0\n"
                + "exit"),
        "misaligned stack access off (0x0; 0x8)+-16+-4 size 8");
  }

  @Test
  void rejectsMisalignedStackAtomic() {
    assertRejected(
        root("mov %r1, 1\nstdw [%r10-8], 0\nlock add32 [%r10-6], %r1\nmov %r0, 0\nexit"),
        "misaligned stack access off 0+0+-6 size 4");
  }

  @Test
  void rejectsMisalignedMapValueAtomic() {
    assertRejected(
        root(LOOKUP + "mov %r1, 1\nlock add [%r0+4], %r1\nmov %r0, 0\nexit", ARRAY16),
        "misaligned value access off 0+0+4 size 8");
  }

  @Test
  void acceptsMisalignedMapValueStoreWithoutAtomic() {
    assertAccepted(root(LOOKUP + "mov %r1, 1\nstxdw [%r0+4], %r1\nmov %r0, 0\nexit", ARRAY16));
  }

  @Test
  void acceptsByteStackAccessAtAnyOffset() {
    assertAccepted(root("stb [%r10-3], 1\nldxb %r0, [%r10-3]\nexit"));
  }
}
