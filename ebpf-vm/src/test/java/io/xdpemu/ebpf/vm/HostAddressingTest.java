package io.xdpemu.ebpf.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * copy_from_kernel_nofault_allowed() by the machine's address layout: the user-space end by the
 * paging mode, canonical addresses by the CPU's virtual address width.
 */
class HostAddressingTest {
  private static final HostAddressing FOUR_48 = new HostAddressing(48, false);
  private static final HostAddressing FOUR_57 = new HostAddressing(57, false);
  private static final HostAddressing FIVE_57 = new HostAddressing(57, true);

  @Test
  void theFirstAddressAboveFourLevelUserSpaceDependsOnTheCpusWidth() {
    long a = 1L << 47;
    assertFalse(KernelMemory.readAllowed(a, FOUR_48)); // non-canonical: -ERANGE
    assertTrue(KernelMemory.readAllowed(a, FOUR_57)); // canonical kernel space: copied, faults
    assertFalse(KernelMemory.readAllowed(a, FIVE_57)); // user space under 5-level paging
    assertFalse(KernelMemory.readAllowed(a - 1, FOUR_57)); // the guard page
  }

  @Test
  void addressesRefusedOrAllowedOnEveryLayout() {
    for (HostAddressing h : new HostAddressing[] {FOUR_48, FOUR_57, FIVE_57}) {
      assertFalse(KernelMemory.readAllowed(0, h), h.toString());
      assertFalse(KernelMemory.readAllowed(0x10000, h), h.toString());
      assertFalse(KernelMemory.readAllowed(1L << 56, h), h.toString()); // helpers_errno's record 6
      assertFalse(KernelMemory.readAllowed(0x8000000000000000L, h), h.toString());
      assertFalse(KernelMemory.readAllowed(0xffffffffff600000L, h), h.toString()); // vsyscall
      assertTrue(KernelMemory.readAllowed(KernelMemory.DIRECT_MAP_BASE, h), h.toString());
      assertTrue(KernelMemory.readAllowed(0xffffffff81000000L, h), h.toString()); // kernel text
    }
    assertEquals((1L << 47) - 4096, FOUR_57.taskSizeMax());
    assertEquals((1L << 56) - 4096, FIVE_57.taskSizeMax());
  }

  @Test
  void readFromCpuinfo(@TempDir Path dir) throws Exception {
    String cpu =
        "processor\t: 0\n"
            + "flags\t\t: fpu vme de pse tsc msr pae avx512f la57 rdpid\n"
            + "address sizes\t: 46 bits physical, 57 bits virtual\n"
            + "\n"
            + "processor\t: 1\n"
            + "address sizes\t: 46 bits physical, 48 bits virtual\n";
    Path f = dir.resolve("cpuinfo");
    Files.writeString(f, cpu);
    assertEquals(FIVE_57, HostAddressing.read(f));
    assertEquals(
        FOUR_57,
        HostAddressing.parse(
            "flags\t\t: fpu la57x avx512f\naddress sizes\t: 48 bits physical, 57 bits virtual\n"));
    assertEquals(FOUR_48, HostAddressing.parse("flags : fpu\n"));
    assertEquals(
        FOUR_48, HostAddressing.parse("address sizes : 36 bits physical, 32 bits virtual"));
    assertEquals(FOUR_48, HostAddressing.read(dir.resolve("missing")));
  }
}
