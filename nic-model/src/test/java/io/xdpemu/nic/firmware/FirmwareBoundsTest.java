package io.xdpemu.nic.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.MalformedInputException;
import io.xdpemu.ebpf.btf.BaseBtf;
import io.xdpemu.nic.Nic;
import io.xdpemu.nic.NicConfig;
import io.xdpemu.nic.TestFiles;
import io.xdpemu.nic.export.LayoutBtf;
import io.xdpemu.nic.export.LayoutHeader;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** A firmware that loads never fails while frames flow or while its layout is exported. */
class FirmwareBoundsTest {
  private static String edited(String from, String to) throws Exception {
    String text = Files.readString(TestFiles.firmwarePath("mynic-v2.json"));
    assertTrue(text.contains(from), "test edit target missing: " + from);
    return text.replace(from, to);
  }

  private static String refused(String text) {
    return assertThrows(MalformedInputException.class, () -> FirmwareLoader.parse(text, "fw.json"))
        .getMessage();
  }

  @Test
  void fieldAtTheLastIntBitOffsetIsRefusedNotAnArrayIndexAtRunTime() throws Exception {
    String msg =
        refused(
            edited(
                "\"dst\": [0, 48], \"src\": [48, 48], \"type\": [96, 16]",
                "\"dst\": [0, 48], \"src\": [48, 48], \"type\": [96, 16], \"far\": [2147483647, 16]"));
    assertTrue(msg.contains("fw.json:28:"), msg); // the field's position
    assertTrue(msg.contains("far"), msg);
  }

  @Test
  void ptypeWiderThan32BitsIsRefused() throws Exception {
    String msg = refused(edited("\"ptype\": \"0x41\" }", "\"ptype\": \"0x100000000\" }"));
    assertTrue(msg.contains("32 bits"), msg);
  }

  @Test
  void largestPtypeLoadsRunsAndExports() throws Exception {
    Firmware fw =
        FirmwareLoader.parse(
            edited("\"ptype\": \"0x41\" }", "\"ptype\": \"0xffffffff\" }"), "fw.json");
    assertEquals(4294967295L, fw.ptypeOf("vxlan"));
    LayoutBtf.export(fw, BaseBtf.bundled());
    assertTrue(LayoutHeader.generate(fw).contains("4294967295"));
    try (Nic nic = Nic.create(fw, NicConfig.defaults())) {
      byte[] frame = new byte[64];
      nic.queue(nic.steer(frame, 0, frame.length)).receive(frame, 0, frame.length, 0, null);
    }
  }

  private static String withHeaderTypes(int n) {
    StringBuilder h = new StringBuilder();
    for (int i = 0; i < n; i++) {
      h.append(String.format("\"h%d\": { \"length\": 1, \"fields\": { \"v\": [0, 8] } },", i));
    }
    return "{ \"format\": \"xdpemu-nicfw/1\", \"name\": \"many\", \"mode\": \"kernel\","
        + "\"header_types\": {"
        + h.substring(0, h.length() - 1)
        + "}, \"parser\": { \"start\": \"s\", \"states\": {"
        + "\"s\": { \"extract\": \"h"
        + (n - 1)
        + "\", \"next\": \"accept\" } } } }";
  }

  @Test
  void headerTypeCountIsBoundedForTheCompiledFirmware() {
    Firmware fw = FirmwareLoader.parse(withHeaderTypes(1024), "many.json");
    try (Nic nic = Nic.create(fw, NicConfig.defaults())) {
      byte[] frame = new byte[64];
      nic.queue(nic.steer(frame, 0, frame.length)).receive(frame, 0, frame.length, 0, null);
      assertEquals(1, nic.queue(0).lastResult().count);
    }
    String msg = refused(withHeaderTypes(1025));
    assertTrue(msg.contains("at most 1024"), msg);
  }

  private static String selectingOn(int components) {
    String keys = ("\"h.v\", ".repeat(components));
    return "{ \"format\": \"xdpemu-nicfw/1\", \"name\": \"keys\", \"mode\": \"kernel\","
        + "\"header_types\": { \"h\": { \"length\": 1, \"fields\": { \"v\": [0, 8] } } },"
        + "\"parser\": { \"start\": \"s\", \"states\": { \"s\": { \"extract\": \"h\","
        + "\"select\": ["
        + keys.substring(0, keys.length() - 2)
        + "], \"transitions\": [ { \"default\": \"accept\" } ] } } } }";
  }

  @Test
  void selectKeyComponentsAreBounded() {
    Firmware fw = FirmwareLoader.parse(selectingOn(16), "keys.json");
    try (Nic nic = Nic.create(fw, NicConfig.defaults())) {
      byte[] frame = {7};
      nic.queue(nic.steer(frame, 0, 1)).receive(frame, 0, 1, 0, null);
    }
    String msg = refused(selectingOn(17));
    assertTrue(msg.contains("selects on 17 fields: at most 16"), msg);
  }
}
