package io.xdpemu.oracle;

import static io.xdpemu.oracle.KernelAssumptions.assumeKernelOracle;
import static io.xdpemu.oracle.KernelAssumptions.assumeTool;
import static io.xdpemu.oracle.KernelAssumptions.example;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.xdpemu.ebpf.ProgramRejectedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading through the oracle: verifier rejections surface with the kernel's log, and a custom
 * target BTF (libbpf's btf_custom_path) drives CO-RE relocation. Programs are compiled here with
 * clang (skipped without it, unless XDPEMU_REQUIRE_KERNEL=1).
 */
class KernelOracleLoadTest {
  @TempDir Path dir;

  @BeforeEach
  void needsKernel() {
    assumeKernelOracle();
  }

  @Test
  void verifierRejectionCarriesTheKernelMessage() throws IOException {
    Path src = KernelAssumptions.shared().resolve("verifier-corpus/src/unsafe_02_off_by_one.c");
    if (!Files.isReadable(src)) {
      fail("shared verifier corpus missing: " + src);
    }
    Path obj = clang(src, dir.resolve("unsafe_02.o"));
    ProgramRejectedException e =
        assertThrows(
            ProgramRejectedException.class, () -> KernelOracle.open(obj, "prog", null).close());
    assertTrue(e.getMessage().contains("invalid access to packet, off=13 size=1"), e.getMessage());
    assertEquals(1, e.exitCode());
  }

  // A program that reads a mark through CO-RE: locally the mark is at offset 0 of the metadata.
  private static final String CORE_PROGRAM =
      String.join(
          "\n",
          "#include <linux/bpf.h>",
          "#include <bpf/bpf_helpers.h>",
          "struct oracle_meta { __u32 mark; } __attribute__((preserve_access_index));",
          "SEC(\"xdp\") int core_mark(struct xdp_md *ctx) {",
          "  void *data = (void *)(long)ctx->data;",
          "  struct oracle_meta *m = (void *)(long)ctx->data_meta;",
          "  if ((void *)m + 16 > data) return 99;",
          "  return m->mark;",
          "}",
          "char LICENSE[] SEC(\"license\") = \"GPL\";",
          "");

  // The target's layout (a NIC's BTF, say): the mark moved behind a new field.
  private static final String TARGET_BTF =
      String.join(
          "\n",
          "#include <linux/types.h>",
          "struct oracle_meta { __u32 hash; __u32 mark; };",
          "struct oracle_meta oracle_meta_anchor;",
          "");

  @Test
  void customBtfRelocatesFieldOffsets() throws IOException {
    Path prog = clang(write("core_mark.c", CORE_PROGRAM), dir.resolve("core_mark.o"));
    Path btf = clang(write("target.c", TARGET_BTF), dir.resolve("target.o"));
    byte[] frame = Frames.ethernet(Frames.ETH_P_ARP, new byte[28]);
    byte[] meta = Frames.mark(7, 9, 0, 0); // hash = 7, mark = 9 in the target layout
    try (KernelOracle k = KernelOracle.open(prog, "core_mark", btf)) {
      OracleResult r = k.run(meta, frame, 1);
      assertEquals(9, r.retval(), "mark read at the target's offset 4, not the local 0");
      assertArrayEquals(meta, r.metaOut());
    }
    // Against the kernel's own BTF the type does not exist: libbpf poisons the load and the
    // verifier refuses it.
    ProgramRejectedException e =
        assertThrows(
            ProgramRejectedException.class,
            () -> KernelOracle.open(prog, "core_mark", null).close());
    assertTrue(e.getMessage().contains("core_mark"), e.getMessage());
  }

  @Test
  void programInAnotherSectionIsLoadedAsXdpByName() throws IOException {
    String tc =
        String.join(
            "\n",
            "#include <linux/bpf.h>",
            "#include <bpf/bpf_helpers.h>",
            "SEC(\"tc\") int not_xdp(struct __sk_buff *skb) { return 1; }",
            "SEC(\"xdp\") int forced(struct xdp_md *ctx) { return 1; }",
            "char LICENSE[] SEC(\"license\") = \"GPL\";",
            "");
    Path obj = clang(write("two.c", tc), dir.resolve("two.o"));
    try (KernelOracle k = KernelOracle.open(obj, "forced", null)) {
      assertEquals(1, k.run(new byte[0], new byte[14], 1).retval());
    }
    try (KernelOracle k = KernelOracle.open(obj, "xdp", null)) {
      assertEquals(1, k.run(new byte[0], new byte[14], 1).retval(), "by section name");
    }
  }

  private static final String PERCPU_PROGRAM =
      String.join(
          "\n",
          "#include <linux/bpf.h>",
          "#include <bpf/bpf_helpers.h>",
          "struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 2);",
          "  __type(key, __u32); __type(value, __u32); } pcpu SEC(\".maps\");",
          "__u64 seen = 0;",
          "SEC(\"xdp\") int count(struct xdp_md *ctx) {",
          "  __u32 k = 1; __u32 *v = bpf_map_lookup_elem(&pcpu, &k);",
          "  if (v) *v += 1;",
          "  seen += 3;",
          "  return XDP_PASS;",
          "}",
          "char LICENSE[] SEC(\"license\") = \"GPL\";",
          "");

  @Test
  void perCpuValuesAndGlobalDataAreDumpedAndPreloaded() throws IOException {
    Path obj = clang(write("pcpu.c", PERCPU_PROGRAM), dir.resolve("pcpu.o"));
    try (KernelOracle k = KernelOracle.open(obj, "count", null)) {
      int cpus = k.possibleCpus();
      assertTrue(cpus >= 1, "possible CPUs " + cpus);
      k.update("pcpu", new byte[] {0, 0, 0, 0}, new byte[] {7, 0, 0, 0});
      k.run(new byte[0], new byte[14], 5);
      Map<String, MapContents> maps = k.maps();
      assertEquals(List.of("pcpu", ".bss"), List.copyOf(maps.keySet()));
      MapContents pcpu = maps.get("pcpu");
      assertEquals(cpus, pcpu.ncpus());
      assertEquals("percpu_array", pcpu.type());
      assertEquals(2, pcpu.entries().size(), "arrays list every index");
      long[] sums = new long[2];
      for (MapContents.Entry e : pcpu.entries()) {
        assertEquals(cpus, e.values().size());
        for (byte[] v : e.values()) {
          assertEquals(4, v.length, "value_size bytes per CPU, not the 8-byte stride");
          sums[e.key()[0]] += ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getInt();
        }
      }
      assertEquals(7L * cpus, sums[0], "one preloaded value is stored on every CPU");
      assertEquals(5, sums[1], "five repeats ran on some CPU(s)");
      MapContents bss = maps.get(".bss");
      assertTrue(bss.kernelName().endsWith(".bss"), bss.kernelName());
      assertEquals(
          15,
          ByteBuffer.wrap(bss.entries().get(0).value()).order(ByteOrder.LITTLE_ENDIAN).getLong());
      k.update(
          ".bss",
          new byte[4],
          ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(100).array());
      k.run(new byte[0], new byte[14], 1);
      assertEquals(
          103,
          ByteBuffer.wrap(k.maps().get(".bss").entries().get(0).value())
              .order(ByteOrder.LITTLE_ENDIAN)
              .getLong(),
          "global data preloaded by section name");
    }
  }

  @Test
  void testRunsSeeTheLoopbackDeviceAndQueueZero() throws IOException {
    String src =
        String.join(
            "\n",
            "#include <linux/bpf.h>",
            "#include <bpf/bpf_helpers.h>",
            "SEC(\"xdp\") int ifx(struct xdp_md *ctx) {",
            "  return ctx->ingress_ifindex * 1000 + ctx->rx_queue_index;",
            "}",
            "char LICENSE[] SEC(\"license\") = \"GPL\";",
            "");
    Path obj = clang(write("ifx.c", src), dir.resolve("ifx.o"));
    try (KernelOracle k = KernelOracle.open(obj, "ifx", null)) {
      assertEquals(
          KernelFacts.TEST_RUN_INGRESS_IFINDEX * 1000 + KernelFacts.TEST_RUN_RX_QUEUE_INDEX,
          k.run(new byte[0], new byte[14], 1).retval());
      assertEquals(
          KernelFacts.TEST_RUN_INGRESS_IFINDEX * 1000 + KernelFacts.TEST_RUN_RX_QUEUE_INDEX,
          k.run(Frames.mark(1), new byte[14], 1).retval(),
          "with metadata (ctx_in) too");
    }
  }

  @Test
  void missingObjectIsAUsageError() {
    assertThrows(
        io.xdpemu.ebpf.UsageException.class,
        () -> KernelOracle.open(dir.resolve("absent.o"), "x", null));
    assertThrows(
        io.xdpemu.ebpf.UsageException.class,
        () -> KernelOracle.open(example("xdp_pass.o"), "xdp_pass", dir.resolve("absent.btf")));
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private static Path clang(Path src, Path out) {
    Path clang = assumeTool("clang");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                clang.toString(),
                "-O2",
                "-g",
                "-target",
                "bpf",
                "-I/usr/include/"
                    + System.getProperty("os.arch").replace("amd64", "x86_64")
                    + "-linux-gnu",
                "-c",
                src.toString(),
                "-o",
                out.toString()));
    OracleBinary.ProcessResult r = OracleBinary.runProcess(cmd, 120);
    if (r.exitCode() != 0) {
      fail("clang failed on " + src + ":\n" + r.output());
    }
    return out;
  }
}
