package io.xdpemu.ebpf.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaseBtfTest {
  @TempDir Path dir;

  @Test
  void bundledBaseHasWhatXdpProgramsNeed() {
    Btf base = BaseBtf.bundled();
    for (String s :
        List.of(
            "xdp_md",
            "xdp_buff",
            "ethhdr",
            "iphdr",
            "ipv6hdr",
            "tcphdr",
            "udphdr",
            "icmphdr",
            "vlan_hdr",
            "vlan_ethhdr",
            "bpf_fib_lookup")) {
      assertTrue(base.find(s, BtfKind.STRUCT) > 0, s);
    }
    for (String f :
        List.of(
            "bpf_xdp_metadata_rx_timestamp",
            "bpf_xdp_metadata_rx_hash",
            "bpf_xdp_metadata_rx_vlan_tag")) {
      BtfType.Func func = (BtfType.Func) base.findType(f, BtfKind.FUNC);
      assertEquals(BtfKind.FUNC_PROTO, base.kind(func.type()), f);
    }
    BtfType.Enum rss = (BtfType.Enum) base.findType("xdp_rss_hash_type", BtfKind.ENUM);
    assertTrue(rss.values().contains(new BtfType.EnumValue("XDP_RSS_TYPE_L4_IPV4_TCP", 25)));
    BtfType.Enum act = (BtfType.Enum) base.findType("xdp_action", BtfKind.ENUM);
    assertTrue(act.values().contains(new BtfType.EnumValue("XDP_PASS", 2)));
    int md = base.find("xdp_md", BtfKind.STRUCT);
    assertEquals(24, base.sizeOf(md));
    assertEquals(16, base.findMember(md, "rx_queue_index").byteOffset());
    int ip6 = base.find("ipv6hdr", BtfKind.STRUCT);
    assertEquals(40, base.sizeOf(ip6));
    assertEquals(24, base.findMember(ip6, "daddr").byteOffset());
    // pointer-only targets became forward declarations
    assertTrue(base.find("net_device", BtfKind.FWD) > 0);
    assertTrue(base.find("net_device", BtfKind.STRUCT) < 0);
  }

  @Test
  void overrideWinsOverHostAndBundled() throws Exception {
    Path f = dir.resolve("tiny.btf");
    BtfBuilder b = BtfBuilder.standalone();
    b.addInt("int", 4, BtfType.INT_SIGNED);
    Files.write(f, b.toBytes());
    assertEquals(2, BaseBtf.load(f).typeCount());
    Btf def = BaseBtf.load(null);
    if (Files.isReadable(BaseBtf.SYSFS_VMLINUX)) {
      assertSame(BaseBtf.hostVmlinux(), def);
    } else {
      assertSame(BaseBtf.bundled(), def);
    }
  }

  @Test
  void bundledBaseLayoutsEqualTheHostKernels() {
    Btf host = Btf.read(HostTools.vmlinux());
    Btf base = BaseBtf.bundled();
    Btf regenerated = BaseBtfGenerator.extract(host, new PrintStream(new ByteArrayOutputStream()));
    for (String s :
        List.of(
            "xdp_md", "ethhdr", "iphdr", "ipv6hdr", "tcphdr", "udphdr", "icmphdr", "vlan_hdr")) {
      int a = base.find(s, BtfKind.STRUCT);
      int h = host.find(s, BtfKind.STRUCT);
      int r = regenerated.find(s, BtfKind.STRUCT);
      assertEquals(host.sizeOf(h), base.sizeOf(a), s);
      assertEquals(host.sizeOf(h), regenerated.sizeOf(r), s);
      List<BtfType.Member> hm = ((BtfType.Struct) host.type(h)).members();
      List<BtfType.Member> bm = ((BtfType.Struct) base.type(a)).members();
      assertEquals(hm.size(), bm.size(), s);
      for (int i = 0; i < hm.size(); i++) {
        assertEquals(hm.get(i).name(), bm.get(i).name());
        assertEquals(hm.get(i).bitOffset(), bm.get(i).bitOffset());
        assertEquals(hm.get(i).bitfieldSize(), bm.get(i).bitfieldSize());
      }
    }
  }

  @Test
  void bundledBaseDumpsAsCompilableC() throws Exception {
    HostTools.needTool("clang");
    Files.writeString(dir.resolve("vmlinux.h"), BtfCDump.dumpHeader(BaseBtf.bundled()));
    Path c = dir.resolve("use.c");
    Files.writeString(
        c,
        "#include \"vmlinux.h\"\n"
            + "_Static_assert(sizeof(struct xdp_md) == 24, \"md\");\n"
            + "_Static_assert(sizeof(struct ipv6hdr) == 40, \"ip6\");\n"
            + "int f(struct xdp_md *ctx) { return XDP_PASS + XDP_RSS_TYPE_L4_IPV4_TCP; }\n");
    HostTools.run(
        List.of("clang", "-target", "bpf", "-fsyntax-only", "-I", dir.toString(), c.toString()));
  }
}
