package io.xdpemu.nic.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.MalformedInputException;
import io.xdpemu.nic.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FirmwareLoaderTest {
  private static String v1Text() throws Exception {
    return Files.readString(TestFiles.firmwarePath("mynic-v1.json"));
  }

  /** Loads v1 with {@code from} replaced by {@code to}; returns the error message. */
  private static String errorAfter(String from, String to) throws Exception {
    String text = v1Text();
    assertTrue(text.contains(from), "test edit target missing: " + from);
    String edited = text.replace(from, to);
    MalformedInputException e =
        assertThrows(MalformedInputException.class, () -> FirmwareLoader.parse(edited, "fw.json"));
    return e.getMessage();
  }

  private static int lineOf(String text, String needle) {
    int idx = text.indexOf(needle);
    return (int) text.substring(0, idx).chars().filter(c -> c == '\n').count() + 1;
  }

  @Test
  void loadsTheV1LayoutOfTheSeedThread() {
    Firmware fw = TestFiles.firmware("mynic-v1.json");
    Layout m = fw.metadata();
    assertEquals("mynic_metadata", m.structName());
    assertEquals(32, m.size());
    assertEquals("timestamp@0 hash@8 pkt_type@16 ptr_to_rx@24", offsets(m));
    assertEquals(Layout.Scalar.PTR, m.fields().get(3).scalar());
    assertEquals("len@0 head@8 tail@16 foobar@24", offsets(fw.descriptor()));
    assertEquals(Firmware.Mode.PREPEND, fw.mode());
    assertEquals(4, fw.rss().queues());
    assertEquals(128, fw.rss().indirection().length);
  }

  @Test
  void loadsV2WithMovedNarrowedFieldsAndAPtypeUnion() {
    Firmware fw = TestFiles.firmware("mynic-v2.json");
    Layout m = fw.metadata();
    assertEquals(40, m.size());
    assertEquals(8, m.align());
    assertEquals(
        "hash@0 rss_type@4 pkt_type@8 vlan_tci@10 flow_mark@12 timestamp@16 ptr_to_rx@24" + " u@32",
        offsets(m));
    assertEquals(Layout.Scalar.U32, m.fields().get(0).scalar());
    Layout.Member u = m.fields().get(m.fields().size() - 1);
    assertEquals(8, u.union().size());
    assertEquals("ipv4", u.union().members().get(0).name());
    assertTrue(u.union().members().get(0).layout().anonymous());
    assertEquals(0x21, u.union().members().get(0).ptypes()[0]);
    assertEquals("flags@0 len@4 head@8 tail@16", offsets(fw.descriptor()));
    assertEquals("mynic_ptype", fw.ptypeEnum());
    assertEquals(0x11, fw.ptypeOf("ipv6_tcp"));
  }

  @Test
  void loadsTheKernelModeFirmwareWithoutMetadata() {
    Firmware fw = TestFiles.firmware("mynic-kernel.json");
    assertEquals(Firmware.Mode.KERNEL, fw.mode());
    assertNull(fw.metadata());
    assertEquals(0, fw.metadataSize());
    assertTrue(fw.vlanStrip());
  }

  private static String offsets(Layout l) {
    StringBuilder sb = new StringBuilder();
    for (Layout.Member f : l.fields()) {
      sb.append(sb.length() == 0 ? "" : " ").append(f.name()).append('@').append(f.offset());
    }
    return sb.toString();
  }

  @Test
  void refusesOverlappingFieldsNamingTheLine() throws Exception {
    String from = "{ \"name\": \"pkt_type\",  \"type\": \"u64\", \"source\": \"ptype\" }";
    String msg =
        errorAfter(
            from,
            "{ \"name\": \"pkt_type\", \"offset\": 8, \"type\": \"u64\", \"source\": \"ptype\" }");
    int line = lineOf(v1Text(), from);
    assertTrue(msg.startsWith("malformed fw.json:" + line + ":"), msg);
    assertTrue(msg.contains("field pkt_type [8, 16) overlaps field hash [8, 16)"), msg);
  }

  @Test
  void refusesAMetadataSizeThatIsNotAMultipleOf4() throws Exception {
    String msg =
        errorAfter(
            "\"struct\": \"mynic_metadata\",", "\"struct\": \"mynic_metadata\", \"size\": 34,");
    assertTrue(msg.contains("is not a multiple of the struct's alignment 8"), msg);
    String text = v1Text();
    String meta = text.substring(text.indexOf("\"metadata\": {"));
    String edited =
        text.replace(
            meta,
            "\"metadata\": { \"struct\": \"m\", \"fields\": [\n"
                + "  { \"name\": \"a\", \"type\": \"u16\", \"source\": \"ptype\" } ] } }");
    msg =
        assertThrows(MalformedInputException.class, () -> FirmwareLoader.parse(edited, "fw.json"))
            .getMessage();
    assertTrue(msg.contains("metadata size 2 is not a multiple of 4"), msg);
  }

  @Test
  void refusesMetadataLargerThanTheKernelAllows() throws Exception {
    String msg =
        errorAfter(
            "\"struct\": \"mynic_metadata\",", "\"struct\": \"mynic_metadata\", \"size\": 256,");
    assertTrue(msg.contains("metadata size 256 is too large: at most 252"), msg);
  }

  @Test
  void refusesUnknownHeaderInExtract() throws Exception {
    String msg = errorAfter("\"extract\": \"tcp\"", "\"extract\": \"tcpp\"");
    assertTrue(msg.contains("unknown header type \"tcpp\""), msg);
    assertTrue(
        msg.startsWith("malformed fw.json:" + lineOf(v1Text(), "\"extract\": \"tcp\"") + ":"));
  }

  @Test
  void refusesUnknownFieldAndUnknownState() throws Exception {
    assertTrue(
        errorAfter("[\"udp.dport\"]", "[\"udp.dst\"]").contains("header udp has no field \"dst\""));
    assertTrue(
        errorAfter("\"next\": \"vxlan\"", "\"next\": \"vxlan2\"")
            .contains("unknown state \"vxlan2\""));
  }

  @Test
  void refusesUnreachableState() throws Exception {
    String msg = errorAfter("{ \"value\": 4789, \"next\": \"vxlan\" },", "");
    assertTrue(msg.contains("state \"vxlan\" is unreachable from the start state"), msg);
    assertTrue(
        msg.startsWith("malformed fw.json:" + lineOf(v1Text(), "\"vxlan\": { \"extract\"") + ":"),
        msg);
  }

  @Test
  void refusesFieldOutsideItsHeader() throws Exception {
    String msg = errorAfter("\"vni\": [32, 24] } },", "\"vni\": [48, 24] } },");
    assertTrue(
        msg.contains("field \"vni\" (bits 48..71) lies outside the 8-byte header vxlan"), msg);
  }

  @Test
  void refusesTypoKeysAndBadValues() throws Exception {
    assertTrue(
        errorAfter("\"vlan_strip\": false", "\"vlan_stirp\": false")
            .contains("unknown key \"vlan_stirp\""));
    assertTrue(
        errorAfter("\"hash_type\": \"L3_IPV4\"", "\"hash_type\": \"L3_IPX\"")
            .contains("unknown hash type"));
    assertTrue(
        errorAfter("\"source\": \"ptype\"", "\"source\": \"ptypo\"")
            .contains("unknown source \"ptypo\""));
    assertTrue(
        errorAfter("\"queues\": 4,", "\"queues\": 4, \"indirection\": [0, 4],")
            .contains("indirection entry 4 is not a queue"));
    assertTrue(
        errorAfter(
                "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa",
                "6d5a")
            .contains("RSS key of 2 bytes: expected 8..256 bytes"));
    assertTrue(
        errorAfter("\"value\": [1, 4], \"next\"", "\"value\": [1, 4, 5], \"next\"")
            .contains("3 component(s) but the select key has 2"));
  }

  @Test
  void refusesMetadataInKernelMode() throws Exception {
    String msg = errorAfter("\"mode\": \"prepend\"", "\"mode\": \"kernel\"");
    assertTrue(msg.contains("a kernel-mode firmware writes no metadata block"), msg);
  }

  @Test
  void refusesSyntaxErrorsWithPosition() {
    MalformedInputException e =
        assertThrows(
            MalformedInputException.class,
            () ->
                FirmwareLoader.parse(
                    "{\n \"format\": \"xdpemu-nicfw/1\",\n \"name\": }", "bad.json"));
    assertEquals(
        "malformed bad.json:3:10: Unexpected character ('}' (code 125)): expected a value",
        e.getMessage());
    e =
        assertThrows(
            MalformedInputException.class, () -> FirmwareLoader.load(Path.of("/nonexistent.json")));
    assertTrue(e.getMessage().startsWith("malformed /nonexistent.json: cannot read"));
  }
}
