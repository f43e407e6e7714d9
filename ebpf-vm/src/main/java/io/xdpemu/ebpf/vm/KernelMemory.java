package io.xdpemu.ebpf.vm;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Simulated kernel memory: byte ranges at kernel virtual addresses (the NIC's RX descriptor ring,
 * for instance) that {@code bpf_probe_read_kernel} may copy from. Addresses are real-looking kernel
 * addresses (default base {@link #DIRECT_MAP_BASE}, the x86-64 direct map), not region pointers: a
 * program sees them only as scalars, as in the kernel.
 *
 * <p>Failure codes follow {@code copy_from_kernel_nofault()}: an address below {@link
 * #TASK_SIZE_MAX} (NULL or user range) fails with -ERANGE (-34), an unmapped kernel address with
 * -EFAULT (-14).
 */
public final class KernelMemory {
  public static final long DIRECT_MAP_BASE = 0xffff888000000000L;

  /**
   * This machine's address layout ({@link HostAddressing}): what the kernel here would judge by.
   */
  private static final HostAddressing HOST = HostAddressing.HOST;

  /**
   * x86-64 TASK_SIZE_MAX on this machine: (1 << 47) - PAGE_SIZE with 4-level paging, (1 << 56) -
   * PAGE_SIZE with 5-level.
   */
  public static final long TASK_SIZE_MAX = HOST.taskSizeMax();

  public static final int ERANGE = -34;
  public static final int EFAULT = -14;

  private record Mapping(long start, byte[] bytes, int offset, int length) {}

  private final ConcurrentSkipListMap<Long, Mapping> mappings = new ConcurrentSkipListMap<>();

  /**
   * Reads whose answer depends on what the host has at the address: a canonical kernel address (the
   * kernel copies whatever is mapped there, or faults) or bytes outside the region a pointer came
   * from (the kernel reads the neighbouring memory). Refusals before any copy (-ERANGE) and reads
   * within a region (stack, packet, map value: the same bytes in the kernel) are not counted.
   * {@code xdpemu diff} uses it to tell a packet that cannot be compared from a mismatch.
   */
  private long hostDependentReads;

  public long hostDependentReads() {
    return hostDependentReads;
  }

  /** Counts one read whose bytes the kernel would take from memory xdpemu does not model. */
  public void noteHostDependentRead() {
    hostDependentReads++;
  }

  /**
   * Maps {@code length} bytes of {@code bytes} from {@code offset} at kernel address {@code start}.
   */
  public void map(long start, byte[] bytes, int offset, int length) {
    mappings.put(start, new Mapping(start, bytes, offset, length));
  }

  public void unmap(long start) {
    mappings.remove(start);
  }

  /** x86-64's vsyscall page: above TASK_SIZE_MAX, yet a user address (is_vsyscall_vaddr()). */
  static final long VSYSCALL_ADDR = 0xffffffffff600000L;

  /**
   * copy_from_kernel_nofault_allowed() on x86-64, checked before any byte is copied (even for a
   * zero size): user addresses (below TASK_SIZE_MAX + PAGE_SIZE), the vsyscall page and
   * non-canonical addresses are refused with -ERANGE; only a canonical kernel address can fault
   * (-EFAULT).
   */
  public static boolean readAllowed(long src) {
    return readAllowed(src, HOST);
  }

  /** {@link #readAllowed(long)} on a machine with address layout {@code a}. */
  static boolean readAllowed(long src, HostAddressing a) {
    if (Long.compareUnsigned(src, a.taskSizeMax() + 4096) < 0) {
      return false;
    }
    if ((src & ~0xfffL) == VSYSCALL_ADDR) {
      return false;
    }
    return a.canonical(src);
  }

  /**
   * Copies {@code size} bytes from kernel address {@code src} into {@code dst[dstOff..]}; returns 0
   * or a negative errno, zero-filling the destination on failure (as the kernel does).
   */
  public int read(long src, byte[] dst, int dstOff, int size) {
    if (!readAllowed(src)) {
      java.util.Arrays.fill(dst, dstOff, dstOff + size, (byte) 0);
      return ERANGE;
    }
    if (size == 0) {
      return 0; // nothing to copy, nothing to fault on
    }
    hostDependentReads++;
    Map.Entry<Long, Mapping> e = mappings.floorEntry(src);
    if (e != null) {
      Mapping m = e.getValue();
      long rel = src - m.start();
      if (rel >= 0 && rel + size <= m.length() && rel + size >= rel) {
        System.arraycopy(m.bytes(), m.offset() + (int) rel, dst, dstOff, size);
        return 0;
      }
    }
    java.util.Arrays.fill(dst, dstOff, dstOff + size, (byte) 0);
    return EFAULT;
  }
}
