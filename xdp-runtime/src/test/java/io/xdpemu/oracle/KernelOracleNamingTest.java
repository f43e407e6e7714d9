package io.xdpemu.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The parts of the oracle that need no kernel: names and the documented input limits. */
class KernelOracleNamingTest {
  @Test
  void globalDataMapsAreNamedBySectionWithoutLibbpfsObjectPrefix() {
    assertEquals(".bss", KernelOracle.xdpemuName("xdp_coun.bss"));
    assertEquals(".data", KernelOracle.xdpemuName("prog.data"));
    assertEquals(".rodata.str1.1", KernelOracle.xdpemuName("xdp_alu.rodata.str1.1"));
    assertEquals("counters", KernelOracle.xdpemuName("counters"));
    assertEquals("my.map", KernelOracle.xdpemuName("my.map"));
  }

  @Test
  void metadataLimitsNameTheRuleThatIsBroken() {
    assertNull(KernelFacts.metadataProblem(0));
    assertNull(KernelFacts.metadataProblem(216));
    assertEquals("metadata length 6 is not a multiple of 4", KernelFacts.metadataProblem(6));
    assertEquals(
        "metadata length 220 exceeds the kernel's maximum of 216",
        KernelFacts.metadataProblem(220));
  }
}
