package io.xdpemu.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The CPU-id rule (VerifierOptions): a program runs with CPU id = RX queue, so it is verified with
 * nr_cpu_ids = its number of queues, and no context for a queue beyond them is ever made.
 */
class CpuIdRuleTest {
  private static final Path MISC = Path.of("../examples/maps/helpers_misc.o");

  @Test
  void aProgramIsVerifiedForTheCpusItRunsOn() {
    // helpers_misc branches on bpf_get_smp_processor_id() < 512: decided for up to 512 CPUs,
    // explored both ways for more
    LoadPipeline.Loaded two =
        LoadPipeline.load(LoadOptions.of(MISC), 2, TargetBtf.of(LoadOptions.of(MISC)));
    LoadPipeline.Loaded many =
        LoadPipeline.load(LoadOptions.of(MISC), 1024, TargetBtf.of(LoadOptions.of(MISC)));
    assertTrue(
        two.verdict().insnProcessed() < many.verdict().insnProcessed(),
        two.verdict().insnProcessed() + " vs " + many.verdict().insnProcessed());
    assertEquals(1, two.newContext(1).cpu);
  }

  @Test
  void noContextForAQueueBeyondTheVerifiedCpus() {
    LoadPipeline.Loaded two =
        LoadPipeline.load(LoadOptions.of(MISC), 2, TargetBtf.of(LoadOptions.of(MISC)));
    assertThrows(IllegalArgumentException.class, () -> two.newContext(2));
  }
}
