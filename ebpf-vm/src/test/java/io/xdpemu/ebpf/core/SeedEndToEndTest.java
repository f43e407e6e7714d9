package io.xdpemu.ebpf.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfMerge;
import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.ebpf.elf.BpfObjectReader;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.TestAbortedException;

/**
 * The seed scenario end to end (issue 3 item 7): examples/seed/xdp_mynic.bpf.o relocated against
 * the two NIC layouts (split BTF made by pahole on the host's vmlinux) by xdpemu and by libbpf
 * (btf_custom_path = the merged vmlinux+NIC BTF, loaded into the running kernel): same slots, same
 * verdict; the unguarded read of flow_mark is rejected on v1 with libbpf's message.
 */
class SeedEndToEndTest {
  private static Path seed;
  private static Path work;
  private static Btf vmlinux;
  private static BpfObject object;

  /** Why the suite cannot run here: rethrown by every test so each one is a visible skip. */
  private static TestAbortedException unavailable;

  @BeforeAll
  static void build() throws Exception {
    try {
      Host.need(Files.isReadable(Host.VMLINUX), Host.VMLINUX.toString());
      Host.needTool("pahole");
      Host.needTool("clang");
    } catch (TestAbortedException e) { // aborting here would make Surefire count 0 tests
      unavailable = e;
      return;
    }
    seed = Host.root().resolve("examples/seed");
    work = Host.scratch("seed");
    vmlinux = Btf.read(Host.VMLINUX);
    object = BpfObjectReader.read(seed.resolve("xdp_mynic.bpf.o"));
    for (int v = 1; v <= 2; v++) {
      Path host = work.resolve("mynic_btf_v" + v + ".o");
      Host.run(
          List.of(
              "clang",
              "-g",
              "-O0",
              "-c",
              seed.resolve("mynic_btf_v" + v + ".c").toString(),
              "-o",
              host.toString()));
      Path split = work.resolve("mynic_v" + v + ".split.btf");
      Host.run(
          List.of(
              "pahole",
              "--btf_base=" + Host.VMLINUX,
              "--btf_encode_detached=" + split,
              host.toString()));
      Files.write(
          work.resolve("mynic_v" + v + ".merged.btf"),
          BtfMerge.toStandalone(Btf.read(split, vmlinux)).toBytes());
    }
  }

  @BeforeEach
  void available() {
    if (unavailable != null) {
      throw unavailable;
    }
  }

  private static RelocatedProgram relocate(int version, String prog) {
    Btf split = Btf.read(work.resolve("mynic_v" + version + ".split.btf"), vmlinux);
    return CoreRelocator.relocate(object, new CoreTarget(split), prog);
  }

  private static AppliedCoreRelocation at(RelocatedProgram p, String specFragment, int n) {
    return p.applied().stream()
        .filter(a -> a.localSpec().contains(specFragment))
        .skip(n)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no relocation " + specFragment));
  }

  @Test
  void firmwareV1RelocatesToTheOriginalLayout() {
    RelocatedProgram p = relocate(1, "xdp_mynic");
    Insn[] i = p.insns();
    assertEquals(32, i[2].imm()); // bpf_core_type_size(struct mynic_metadata)
    assertEquals(0, i[11].off()); // m->timestamp
    assertEquals(0x79, i[11].opcode());
    assertEquals(8, i[13].off()); // m->hash, u64
    assertEquals(16, i[15].off()); // m->pkt_type, u64
    assertEquals(1, i[20].imm()); // MYNIC_PTYPE_IPV4_TCP
    assertEquals(0, i[19].imm()); // bpf_core_field_exists(m->flow_mark)
    assertTrue(p.isPoisoned(25)); // the guarded (dead) flow_mark load
    assertEquals(RelocatedProgram.POISON_IMM, i[25].imm());
    assertEquals(0, i[29].imm()); // u.ipv4.saddr does not exist
    assertEquals(
        Map.of(
            25,
            "failed to resolve CO-RE relocation <byte_off> ["
                + metaTypeId()
                + "] struct mynic_metadata.flow_mark (0:4 @ offset 32)",
            33,
            "failed to resolve CO-RE relocation <byte_off> ["
                + metaTypeId()
                + "] struct mynic_metadata.u.ipv4.saddr (0:5:0:0 @ offset 36)"),
        p.poisoned());
  }

  private static int metaTypeId() {
    return object.types().find("mynic_metadata", io.xdpemu.ebpf.btf.BtfKind.STRUCT);
  }

  @Test
  void relocatingAgainstVmlinuxPlusNicBtfIsQuick() {
    long t0 = System.nanoTime();
    CoreRelocator.relocate(object, new CoreTarget(vmlinux)); // indexes vmlinux once per JVM
    long base = System.nanoTime() - t0;
    // a firmware swap: new split BTF on the same vmlinux, only the split part is indexed
    Btf split = Btf.read(work.resolve("mynic_v2.split.btf"), vmlinux);
    t0 = System.nanoTime();
    CoreRelocator.relocate(object, new CoreTarget(split));
    long swap = System.nanoTime() - t0;
    System.out.printf(
        "seed CO-RE: against vmlinux %.1f ms (incl. indexing %d types if not yet"
            + " done), against a new vmlinux+NIC split %.2f ms%n",
        base / 1e6, vmlinux.typeCount(), swap / 1e6);
    assertTrue(swap < 1_000_000_000L);
  }

  @Test
  void firmwareV2MovesNarrowsAndAddsFields() {
    RelocatedProgram p = relocate(2, "xdp_mynic");
    Insn[] i = p.insns();
    assertEquals(40, i[2].imm());
    assertEquals(16, i[11].off());
    assertEquals(0, i[13].off());
    assertEquals(Opcodes.LDX | Opcodes.MEM | Opcodes.W, i[13].opcode()); // hash: u64 -> u32
    assertTrue(at(p, ".hash", 0).patch().contains("mem_sz 8 -> 4"), at(p, ".hash", 0).patch());
    assertEquals(8, i[15].off());
    assertEquals(Opcodes.LDX | Opcodes.MEM | Opcodes.H, i[15].opcode()); // pkt_type: u64 -> u16
    assertEquals(4, i[17].imm()); // bpf_core_field_size(m->hash)
    assertEquals(0x21, i[20].imm());
    assertEquals(1, i[19].imm());
    assertEquals(12, i[25].off()); // flow_mark
    assertEquals(1, i[29].imm());
    assertEquals(32, i[33].off()); // u.ipv4.saddr
    assertEquals(4, i[43].imm()); // bpf_core_field_size(rx->len)
    assertEquals(4, i[38].imm()); // rx->len moved to offset 4
    assertTrue(p.poisoned().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void relocatedInstructionsEqualLibbpfsAndTheKernelAcceptsThem(int version) throws Exception {
    RelocatedProgram ours = relocate(version, "xdp_mynic");
    Host.OracleRun libbpf =
        Host.oracle(
            seed.resolve("xdp_mynic.bpf.o"),
            "xdp_mynic",
            work.resolve("mynic_v" + version + ".merged.btf"),
            false);
    assertEquals(0, libbpf.load(), libbpf.log());
    assertEquals(List.of(), OracleComparison.differences(ours.insns(), libbpf.insns()));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void unguardedReadOfANewerFieldIsRejectedOnlyOnTheOlderLayout(int version) throws Exception {
    RelocatedProgram ours = relocate(version, "xdp_mynic_unguarded");
    Host.OracleRun libbpf =
        Host.oracle(
            seed.resolve("xdp_mynic.bpf.o"),
            "xdp_mynic_unguarded",
            work.resolve("mynic_v" + version + ".merged.btf"),
            false);
    assertEquals(List.of(), OracleComparison.differences(ours.insns(), libbpf.insns()));
    if (version == 1) {
      assertNotEquals(0, libbpf.load());
      String msg = ours.poisoned().get(6);
      assertTrue(
          msg != null && libbpf.log().contains("6: <invalid CO-RE relocation>\n" + msg),
          msg + "\n--- libbpf:\n" + libbpf.log());
    } else {
      assertEquals(0, libbpf.load(), libbpf.log());
      assertTrue(ours.poisoned().isEmpty());
    }
  }

  @Test
  void withoutTheNicBtfEveryVendorFieldIsPoisoned() throws Exception {
    RelocatedProgram ours = CoreRelocator.relocate(object, new CoreTarget(vmlinux), "xdp_mynic");
    assertEquals(0, ours.insns()[2].imm()); // type size 0: type not found
    assertTrue(ours.isPoisoned(11));
    Host.OracleRun libbpf = Host.oracle(seed.resolve("xdp_mynic.bpf.o"), "xdp_mynic", null, false);
    assertNotEquals(0, libbpf.load());
    assertEquals(List.of(), OracleComparison.differences(ours.insns(), libbpf.insns()));
  }

  /** Firmware-written metadata of each layout (mynic_v1.h / mynic_v2.h), little-endian. */
  static byte[] metadata(int version, long ptrToRx) {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(version == 1 ? 32 : 40)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    if (version == 1) {
      b.putLong(123456789L).putLong(0xdeadbeefL).putLong(1).putLong(ptrToRx);
    } else {
      b.putInt(0xdeadbeef)
          .putInt(25)
          .putShort((short) 0x21)
          .putShort((short) 5)
          .putInt(0xf00d)
          .putLong(123456789L)
          .putLong(ptrToRx)
          .putInt(0x0a000001)
          .putInt(0x0a000002);
    }
    return b.array();
  }

  static byte[] packet() {
    byte[] p = new byte[64];
    for (int i = 0; i < p.length; i++) {
      p[i] = (byte) (0x10 + i);
    }
    return p;
  }

  private static long u64(byte[] b, int off) {
    return java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(off);
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02x", x & 0xff));
    }
    return s.toString();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void runsLikeTheKernelOnBothLayouts(int version) throws Exception {
    RelocatedProgram ours = relocate(version, "xdp_mynic");
    byte[] meta = metadata(version, 0); // NULL ptr_to_rx: -ERANGE in both
    SeedRunner.Run run = SeedRunner.run(object, ours, meta, packet(), ctx -> {});
    Host.KernelRun kernel =
        Host.oracleRun(
            seed.resolve("xdp_mynic.bpf.o"),
            "xdp_mynic",
            work.resolve("mynic_v" + version + ".merged.btf"),
            hex(meta),
            hex(packet()));
    assertEquals(0, kernel.load(), kernel.log());
    assertEquals(kernel.retval(), run.retval());
    assertEquals(kernel.dataOut(), hex(run.dataOut()));
    assertEquals(kernel.bss(), hex(run.bss()));
    // and what the program saw, per layout
    assertEquals(123456789L, u64(run.bss(), 0));
    assertEquals(0xdeadbeefL, u64(run.bss(), 8));
    assertEquals(version == 1 ? 1 : 0x21, u64(run.bss(), 16));
    assertEquals(version == 1 ? 0 : 0xf00d, u64(run.bss(), 40));
    assertEquals(version == 1 ? 0 : 0x0a000001, u64(run.bss(), 48));
    assertEquals(-34, u64(run.bss(), 88));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void followsPtrToRxIntoSimulatedKernelMemory(int version) {
    long addr = io.xdpemu.ebpf.vm.KernelMemory.DIRECT_MAP_BASE + 0x10000;
    java.nio.ByteBuffer d =
        java.nio.ByteBuffer.allocate(32).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    if (version == 1) {
      d.putLong(1514).putLong(0xabc0).putLong(0xabc0 + 1514).putLong(0);
    } else {
      d.putInt(0x1).putInt(1514).putLong(0xabc0).putLong(0xabc0 + 1514);
    }
    SeedRunner.Run run =
        SeedRunner.run(
            object,
            relocate(version, "xdp_mynic"),
            metadata(version, addr),
            packet(),
            ctx -> ctx.kernel.map(addr, d.array(), 0, 32));
    assertEquals(2, run.retval());
    assertEquals(0, u64(run.bss(), 88)); // probe_ret
    assertEquals(1514, u64(run.bss(), 24)); // rx->len, 8 bytes on v1, 4 on v2
    assertEquals(0xabc0, u64(run.bss(), 32)); // BPF_CORE_READ(rx, head)
  }

  @Test
  void btfFileIsStackedOnTheBaseWhenSplitAndReplacesItWhenStandalone() {
    CoreTarget split =
        new CoreTarget(Btf.readStandaloneOrSplit(work.resolve("mynic_v2.split.btf"), vmlinux));
    assertTrue(split.btf().isSplit());
    assertEquals(vmlinux.typeCount(), split.btf().firstId());
    CoreTarget merged =
        new CoreTarget(Btf.readStandaloneOrSplit(work.resolve("mynic_v2.merged.btf"), vmlinux));
    assertTrue(!merged.btf().isSplit());
    assertEquals(
        List.of(),
        OracleComparison.differences(
            CoreRelocator.relocate(object, split, "xdp_mynic").insns(),
            java.util.Arrays.stream(CoreRelocator.relocate(object, merged, "xdp_mynic").insns())
                .map(i -> new long[] {i.opcode(), i.dst(), i.src(), i.off(), i.imm()})
                .collect(java.util.stream.Collectors.toList())));
  }
}
