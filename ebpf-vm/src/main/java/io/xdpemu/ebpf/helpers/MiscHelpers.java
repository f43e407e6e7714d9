package io.xdpemu.ebpf.helpers;

import io.xdpemu.ebpf.maps.Errno;
import io.xdpemu.ebpf.vm.AddressSpace;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.HelperRegistry;
import io.xdpemu.ebpf.vm.KernelMemory;
import io.xdpemu.ebpf.vm.Region;

/**
 * Time, randomness, CPU id and the probe-read family (kernel/bpf/helpers.c,
 * kernel/trace/bpf_trace.c).
 *
 * <p>Clocks: every ktime variant reads the replay's virtual clock {@code ctx.clockNs} (boot, coarse
 * and TAI differ from monotonic only by constant offsets or resolution in the kernel; a replay has
 * one time base). bpf_jiffies64 is that clock in jiffies at {@link HelperEnvironment#hz()}.
 *
 * <p>Probe reads take any 64-bit value. A pointer into one of the program's own regions (stack,
 * packet, map value) stands for kernel memory and is copied when in bounds, as the kernel would
 * copy from its own address; anything else is looked up in the simulated {@link KernelMemory}:
 * below TASK_SIZE_MAX -ERANGE for the _kernel variants, -EFAULT for the legacy bpf_probe_read
 * (which tries user memory there, bpf_probe_read_compat); unmapped -EFAULT. The destination is
 * zero-filled on failure.
 */
final class MiscHelpers {
  private MiscHelpers() {}

  static void register(HelperRegistry reg, HelperEnvironment env) {
    reg.register(
        HelperIds.KTIME_GET_NS, "bpf_ktime_get_ns", (ctx, r1, r2, r3, r4, r5) -> ctx.clockNs);
    reg.register(
        HelperIds.KTIME_GET_BOOT_NS,
        "bpf_ktime_get_boot_ns",
        (ctx, r1, r2, r3, r4, r5) -> ctx.clockNs);
    reg.register(
        HelperIds.KTIME_GET_COARSE_NS,
        "bpf_ktime_get_coarse_ns",
        (ctx, r1, r2, r3, r4, r5) -> ctx.clockNs);
    reg.register(
        HelperIds.KTIME_GET_TAI_NS,
        "bpf_ktime_get_tai_ns",
        (ctx, r1, r2, r3, r4, r5) -> ctx.clockNs);
    reg.register(
        HelperIds.JIFFIES64,
        "bpf_jiffies64",
        (ctx, r1, r2, r3, r4, r5) -> ctx.clockNs / (1_000_000_000L / env.hz()));
    reg.register(
        HelperIds.GET_PRANDOM_U32,
        "bpf_get_prandom_u32",
        (ctx, r1, r2, r3, r4, r5) -> prandom(ctx));
    reg.register(
        HelperIds.GET_SMP_PROCESSOR_ID,
        "bpf_get_smp_processor_id",
        (ctx, r1, r2, r3, r4, r5) -> ctx.cpu);
    reg.register(
        HelperIds.GET_NUMA_NODE_ID, "bpf_get_numa_node_id", (ctx, r1, r2, r3, r4, r5) -> 0);
    reg.register(
        HelperIds.PROBE_READ,
        "bpf_probe_read",
        (ctx, r1, r2, r3, r4, r5) -> probeRead(ctx, r1, r2, r3, true));
    reg.register(
        HelperIds.PROBE_READ_KERNEL,
        "bpf_probe_read_kernel",
        (ctx, r1, r2, r3, r4, r5) -> probeRead(ctx, r1, r2, r3, false));
    reg.register(
        HelperIds.PROBE_READ_STR,
        "bpf_probe_read_str",
        (ctx, r1, r2, r3, r4, r5) -> probeReadStr(ctx, r1, r2, r3, true));
    reg.register(
        HelperIds.PROBE_READ_KERNEL_STR,
        "bpf_probe_read_kernel_str",
        (ctx, r1, r2, r3, r4, r5) -> probeReadStr(ctx, r1, r2, r3, false));
  }

  /** splitmix64 over the per-queue state: reproducible, independent per queue. */
  static long prandom(ExecutionContext ctx) {
    long z = (ctx.prngState += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return z >>> 32;
  }

  /** Reads {@code size} bytes of "kernel memory" at {@code src} into {@code out}: 0 or -errno. */
  static int readKernel(
      ExecutionContext ctx, long src, byte[] out, int off, int size, boolean compat) {
    Region r = ctx.memory().region(src);
    if (r != null) {
      long o = AddressSpace.offset(src) & 0xffffffffL;
      if (r.contains(o, size)) {
        System.arraycopy(r.bytes(), (int) o, out, off, size);
        return 0;
      }
      ctx.kernel.noteHostDependentRead(); // the kernel reads the neighbouring memory
      java.util.Arrays.fill(out, off, off + size, (byte) 0);
      return -Errno.EFAULT;
    }
    if (compat && Long.compareUnsigned(src, KernelMemory.TASK_SIZE_MAX) < 0) {
      ctx.kernel.noteHostDependentRead(); // the kernel tries the caller's user memory
      java.util.Arrays.fill(out, off, off + size, (byte) 0);
      return -Errno.EFAULT;
    }
    return ctx.kernel.read(src, out, off, size);
  }

  private static long probeRead(
      ExecutionContext ctx, long dst, long size, long src, boolean compat) {
    int n = HelperMemory.size(ctx, size & 0xffffffffL, "probe_read size");
    ctx.memory().check(ctx.pc, dst, n, true);
    byte[] buf = new byte[n];
    int rc = readKernel(ctx, src, buf, 0, n, compat);
    HelperMemory.write(ctx, dst, buf);
    return rc;
  }

  /**
   * strncpy_from_kernel_nofault(): copies up to size-1 bytes and a NUL; returns the length
   * including the NUL. An unreadable byte fails the whole copy (-EFAULT, destination zeroed).
   */
  private static long probeReadStr(
      ExecutionContext ctx, long dst, long size, long src, boolean compat) {
    int n = HelperMemory.size(ctx, size & 0xffffffffL, "probe_read_str size");
    if (n == 0) {
      return 0;
    }
    ctx.memory().check(ctx.pc, dst, n, true);
    byte[] buf = new byte[n];
    byte[] one = new byte[1];
    int len = 0;
    long rc = 0;
    while (len < n - 1) {
      int e = readKernel(ctx, src + len, one, 0, 1, compat);
      if (e != 0) {
        rc = e;
        break;
      }
      buf[len++] = one[0];
      if (one[0] == 0) {
        break;
      }
    }
    if (rc != 0) {
      java.util.Arrays.fill(buf, (byte) 0);
      HelperMemory.write(ctx, dst, buf);
      return rc;
    }
    if (len == n - 1 || buf[len - 1] != 0) {
      buf[len] = 0;
      len++;
    }
    HelperMemory.write(ctx, dst, buf, 0, len);
    return len;
  }
}
