package io.xdpemu.ebpf.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The x86-64 address layout {@code copy_from_kernel_nofault_allowed()} judges addresses by, for the
 * machine xdpemu runs on: user space ends at TASK_SIZE_MAX, (1 << 47) - PAGE_SIZE with 4-level
 * paging and (1 << 56) - PAGE_SIZE with 5-level (the {@code la57} CPU flag, set only when the
 * kernel enabled it); an address is canonical by the CPU's virtual address width ({@code
 * boot_cpu_data.x86_virt_bits}, CPUID's, which /proc/cpuinfo prints as "address sizes"), not by the
 * paging mode. A CPU that reports 57 bits under 4-level paging (seen here: "48 bits physical, 57
 * bits virtual", no la57) makes [1 << 47, 1 << 56) canonical kernel space, where the kernel tries
 * the copy and faults (-EFAULT); with 48 bits the same addresses are refused (-ERANGE). Without
 * /proc/cpuinfo: 48 bits, 4-level paging.
 *
 * @param virtBits canonical addresses are sign-extended from bit {@code virtBits - 1}
 * @param fiveLevel 5-level paging (user space up to 1 << 56)
 */
public record HostAddressing(int virtBits, boolean fiveLevel) {
  private static final Pattern ADDRESS_SIZES =
      Pattern.compile("^address sizes\\s*:.*?(\\d+) bits virtual", Pattern.MULTILINE);
  private static final Pattern LA57 = Pattern.compile("^flags\\s*:.*\\bla57\\b", Pattern.MULTILINE);

  private static final HostAddressing FOUR_LEVEL_48 = new HostAddressing(48, false);

  /** This machine's, read once. */
  public static final HostAddressing HOST = read(Path.of("/proc/cpuinfo"));

  public HostAddressing {
    if (virtBits < 48 || virtBits > 64) {
      throw new IllegalArgumentException("virtual address bits " + virtBits);
    }
  }

  /** TASK_SIZE_MAX: the last user page's end minus a page (the guard page follows it). */
  public long taskSizeMax() {
    return (1L << (fiveLevel ? 56 : 47)) - 4096;
  }

  /** Whether {@code addr} is sign-extended from bit {@code virtBits - 1}. */
  public boolean canonical(long addr) {
    int shift = 64 - virtBits;
    return (addr << shift) >> shift == addr;
  }

  static HostAddressing read(Path cpuinfo) {
    try {
      return parse(String.join("\n", firstProcessor(Files.readAllLines(cpuinfo))));
    } catch (IOException | NumberFormatException e) { // unreadable, or a width past int
      return FOUR_LEVEL_48;
    }
  }

  /** The lines of the first processor's block (every CPU reports the same). */
  private static List<String> firstProcessor(List<String> lines) {
    int end = lines.indexOf("");
    return end < 0 ? lines : lines.subList(0, end);
  }

  /** From /proc/cpuinfo text; what it does not say stays at 48 bits and 4-level paging. */
  static HostAddressing parse(String cpuinfo) {
    Matcher m = ADDRESS_SIZES.matcher(cpuinfo);
    int bits = m.find() ? Integer.parseInt(m.group(1)) : 48;
    if (bits < 48 || bits > 64) {
      bits = 48;
    }
    return new HostAddressing(bits, LA57.matcher(cpuinfo).find());
  }
}
