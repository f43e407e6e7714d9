package io.xdpemu.ebpf.btf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BtfBuilderTest {
  @TempDir Path dir;

  /** The seed's fw2-like layout as split BTF on {@code base}. */
  static Btf nicLayout(Btf base) {
    BtfBuilder b = BtfBuilder.splitOn(base);
    int u16 = base.find("__u16", BtfKind.TYPEDEF);
    int u32 = base.find("__u32", BtfKind.TYPEDEF);
    int u64 = base.find("__u64", BtfKind.TYPEDEF);
    int desc = b.addStruct("mynic_rx_descriptor", 24);
    b.addField("flags", u32, 0, 0);
    b.addField("len", u32, 32, 0);
    b.addField("head", u64, 64, 0);
    b.addField("tail", u64, 128, 0);
    int descPtr = b.addPtr(desc);
    int ipv4 =
        b.addStruct(
            "",
            8,
            List.of(
                new BtfType.Member("saddr", u32, 0, 0), new BtfType.Member("daddr", u32, 32, 0)));
    int vlan =
        b.addStruct(
            "",
            4,
            List.of(new BtfType.Member("tci", u16, 0, 0), new BtfType.Member("proto", u16, 16, 0)));
    int u =
        b.addUnion(
            "",
            8,
            List.of(
                new BtfType.Member("ipv4", ipv4, 0, 0), new BtfType.Member("vlan", vlan, 0, 0)));
    b.addStruct("mynic_metadata", 40);
    b.addField("hash", u32, 0, 0);
    b.addField("rss_type", u32, 32, 4);
    b.addField("csum_ok", u32, 36, 1);
    b.addField("pkt_type", u16, 64, 0);
    b.addField("vlan_tci", u16, 80, 0);
    b.addField("flow_mark", u32, 96, 0);
    b.addField("timestamp", u64, 128, 0);
    b.addField("ptr_to_rx", descPtr, 192, 0);
    b.addField("u", u, 256, 0);
    b.addTypedef("mynic_metadata_t", b.nextId() - 1);
    return b.build();
  }

  @Test
  void buildsSplitBtfOnTheBundledBase() {
    Btf base = BaseBtf.bundled();
    Btf nic = nicLayout(base);
    assertEquals(base.typeCount(), nic.firstId());
    int md = nic.find("mynic_metadata", BtfKind.STRUCT);
    BtfType.Struct s = (BtfType.Struct) nic.type(md);
    assertTrue(s.kindFlag());
    assertEquals(4, nic.findMember(md, "rss_type").member().bitfieldSize());
    assertEquals(12, nic.findMember(md, "flow_mark").byteOffset());
    assertEquals(32, nic.findMember(md, "u").byteOffset());
    assertEquals(null, nic.findMember(md, "proto"), "named union members are not flattened");
    assertEquals(40, nic.sizeOf(md));
    assertEquals(8, nic.alignOf(md));
    // strings the base has ("hash", "len", ...) are referenced there, not repeated
    Btf reread = Btf.parse(nic.toBytes(), base);
    assertEquals(nic.type(md), reread.type(md));
    assertArrayEquals(nic.toBytes(), reread.toBytes());
    Btf merged = BtfMerge.toStandalone(nic);
    assertEquals(nic.type(md), merged.type(md));
    assertEquals(base.type(5), merged.type(5));
  }

  @Test
  void builtSplitOnHostVmlinuxIsAcceptedByBpftoolAndClang() throws Exception {
    Btf vmlinux = Btf.read(HostTools.vmlinux());
    HostTools.needTool("bpftool");
    Btf nic = nicLayout(vmlinux);
    Path split = dir.resolve("nic.btf");
    Files.write(split, nic.toBytes());
    String expected =
        new String(
            HostTools.run(
                List.of(
                    "bpftool",
                    "-B",
                    HostTools.VMLINUX.toString(),
                    "btf",
                    "dump",
                    "file",
                    split.toString())),
            StandardCharsets.UTF_8);
    assertEquals(expected, BtfRawDump.dump(Btf.read(split, vmlinux)));
    Path merged = dir.resolve("merged.btf");
    Files.write(merged, BtfMerge.toStandalone(nic).toBytes());
    String c =
        new String(
            HostTools.run(
                List.of("bpftool", "btf", "dump", "file", merged.toString(), "format", "c")),
            StandardCharsets.UTF_8);
    assertTrue(c.contains("struct mynic_metadata {"), "merged BTF dumps the NIC types");
  }

  @Test
  void danglingReferencesAreReportedAtBuild() {
    BtfBuilder b = BtfBuilder.standalone();
    b.addPtr(7);
    MalformedInputException e = assertThrows(MalformedInputException.class, b::build);
    assertTrue(e.getMessage().contains("refers to missing type id 7"), e.getMessage());
  }

  @Test
  void ownTypesDumpAsAHeaderClangAccepts() throws Exception {
    HostTools.needTool("clang");
    Btf nic = nicLayout(BaseBtf.bundled());
    String header = BtfCDump.dumpOwnTypes(nic);
    assertTrue(header.contains("typedef unsigned int __u32;"), header);
    assertTrue(header.contains("struct mynic_metadata {"), header);
    assertTrue(!header.contains("struct xdp_md"), "base types nobody needs stay out");
    Files.writeString(dir.resolve("mynic.h"), header);
    Path c = dir.resolve("use.c");
    Files.writeString(
        c,
        "#include \"mynic.h\"\n"
            + "_Static_assert(sizeof(struct mynic_metadata) == 40, \"size\");\n"
            + "_Static_assert(__builtin_offsetof(struct mynic_metadata, flow_mark) == 12, \"o\");\n"
            + "_Static_assert(__builtin_offsetof(struct mynic_metadata, u) == 32, \"u\");\n"
            + "int f(mynic_metadata_t *m) { return m->rss_type + m->u.vlan.proto; }\n");
    HostTools.run(
        List.of("clang", "-target", "bpf", "-fsyntax-only", "-I", dir.toString(), c.toString()));
  }
}
