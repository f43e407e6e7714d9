package io.xdpemu.ebpf.helpers;

import static io.xdpemu.ebpf.testing.KernelTools.asmInclude;
import static io.xdpemu.ebpf.testing.KernelTools.exec;
import static io.xdpemu.ebpf.testing.KernelTools.onPath;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xdpemu.ebpf.testing.KernelTools;
import io.xdpemu.ebpf.testing.Prerequisites;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bpf_probe_read_kernel at the addresses whose answer depends on the machine (HostAddressing): this
 * host's kernel and xdpemu's helper give the same return code for each. The first address above
 * 4-level user space, 1 << 47, is -ERANGE on a CPU with 48 virtual address bits and -EFAULT on one
 * that reports 57 under 4-level paging (canonical: the kernel tries the copy and faults), so no
 * golden file can hold it; the others are the same on every x86-64 machine. Compiled with clang,
 * run with bpftool prog run; skips (fails under XDPEMU_REQUIRE_KERNEL=1) without them or root.
 */
class ProbeReadHostLayoutTest {
  private static final long[] ADDRESSES = {
    (1L << 47) - 4096, // the last user page
    1L << 47,
    (1L << 47) + 4096,
    (1L << 56) - 4096,
    1L << 56,
    0xffff800000000000L,
    0xff00000000000000L
  };

  @TempDir Path tmp;

  @Test
  void theKernelHereAndXdpemuAgreeOnEveryAddress() throws Exception {
    Path bpffs = Path.of("/sys/fs/bpf");
    Prerequisites.need(onPath("clang"), "probe-read layout test: clang not found");
    Prerequisites.need(onPath("bpftool"), "probe-read layout test: bpftool not found");
    Prerequisites.need(
        Files.isDirectory(bpffs) && Files.isWritable(bpffs),
        "probe-read layout test: /sys/fs/bpf not writable (needs root)");
    long[] kernel = runInKernel(bpffs);
    Harness h = new Harness();
    long dst = h.u64(-1);
    for (int i = 0; i < ADDRESSES.length; i++) {
      long ours = h.call(HelperIds.PROBE_READ_KERNEL, dst, 8, ADDRESSES[i]);
      assertEquals(
          kernel[i], ours, "bpf_probe_read_kernel(0x" + Long.toHexString(ADDRESSES[i]) + ")");
    }
  }

  /** The return code of each read, as the kernel's program stored it into the frame. */
  private long[] runInKernel(Path bpffs) throws Exception {
    StringBuilder c =
        new StringBuilder(
            "#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n\n"
                + "SEC(\"xdp\") int probe(struct xdp_md *ctx) {\n"
                + "  void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;\n"
                + "  __u64 v;\n  __s64 *out = data;\n"
                + "  if ((void *)(out + "
                + ADDRESSES.length
                + ") > end) return XDP_ABORTED;\n");
    for (int i = 0; i < ADDRESSES.length; i++) {
      c.append("  out[")
          .append(i)
          .append("] = bpf_probe_read_kernel(&v, 8, (void *)0x")
          .append(Long.toHexString(ADDRESSES[i]))
          .append("ULL);\n");
    }
    c.append("  return XDP_PASS;\n}\nchar _license[] SEC(\"license\") = \"GPL\";\n");
    Path src = tmp.resolve("probe.c");
    Files.writeString(src, c.toString());
    Path obj = tmp.resolve("probe.o");
    exec(
        "clang",
        "-O2",
        "-g",
        "-target",
        "bpf",
        "-I" + asmInclude(),
        "-c",
        src.toString(),
        "-o",
        obj.toString());
    Path in = tmp.resolve("in.bin");
    Files.write(in, new byte[64]);
    Path out = tmp.resolve("out.bin");
    Path pin = bpffs.resolve("xdpemu_probe_layout_" + ProcessHandle.current().pid());
    try {
      exec("bpftool", "prog", "load", obj.toString(), pin.toString(), "type", "xdp");
      assertEquals(2, KernelTools.progRun(pin, in, out), "the program's return value");
    } finally {
      Files.deleteIfExists(pin);
    }
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
    long[] codes = new long[ADDRESSES.length];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = b.getLong(8 * i);
    }
    return codes;
  }
}
