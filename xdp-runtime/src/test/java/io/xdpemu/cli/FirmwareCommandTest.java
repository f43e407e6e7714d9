package io.xdpemu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.btf.BaseBtf;
import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirmwareCommandTest {
  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Path firmware(String name) {
    String root = System.getProperty("xdpemu.root");
    Path r = root != null ? Paths.get(root) : Paths.get("..");
    return r.resolve("examples/firmware").resolve(name);
  }

  @Test
  void compilesV2IntoSplitBtfAndHeader(@TempDir Path tmp) throws Exception {
    Path base = tmp.resolve("base.btf");
    Files.write(base, BaseBtf.bundled().toBytes());
    Path btf = tmp.resolve("v2.btf");
    Path h = tmp.resolve("v2.h");
    Result r =
        run(
            "firmware",
            "compile",
            firmware("mynic-v2.json").toString(),
            "--base",
            base.toString(),
            "--btf-out",
            btf.toString(),
            "--header-out",
            h.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("struct mynic_metadata (40 bytes)"), r.out());
    Btf split = Btf.read(btf, Btf.read(base));
    int meta = split.find("mynic_metadata", BtfKind.STRUCT);
    assertEquals(40, split.sizeOf(meta));
    assertEquals(24, split.findMember(meta, "ptr_to_rx").byteOffset());
    assertTrue(Files.readString(h).contains("struct mynic_rx_descriptor *ptr_to_rx; /* @24"));
  }

  @Test
  void invalidFirmwareExitsWith2NamingTheLine(@TempDir Path tmp) throws Exception {
    String text =
        Files.readString(firmware("mynic-v1.json"))
            .replace("\"extract\": \"tcp\"", "\"extract\": \"tpc\"");
    Path bad = tmp.resolve("bad.json");
    Files.writeString(bad, text);
    Result r = run("firmware", "compile", bad.toString(), "--btf-out", tmp.resolve("x").toString());
    assertEquals(2, r.code());
    assertTrue(
        r.err().matches("(?s).*malformed .*bad.json:\\d+:\\d+: unknown header type \"tpc\".*"),
        r.err());
    assertEquals(2, run("firmware", "compile", bad.toString()).code()); // --btf-out missing
    assertEquals(0, run("firmware", "--help").code());
  }

  @Test
  void aFailedHeaderOutLeavesNoBtfOutBehind(@TempDir Path tmp) throws Exception {
    Path base = tmp.resolve("base.btf");
    Files.write(base, BaseBtf.bundled().toBytes());
    Path btf = tmp.resolve("v2.btf");
    Path h = tmp.resolve("missing-dir").resolve("v2.h");
    Result r =
        run(
            "firmware",
            "compile",
            firmware("mynic-v2.json").toString(),
            "--base",
            base.toString(),
            "--btf-out",
            btf.toString(),
            "--header-out",
            h.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("xdpemu: cannot write " + h + ": "), r.err());
    assertTrue(!Files.exists(btf), "all or nothing: --btf-out must not be written");
    try (var left = Files.list(tmp)) {
      assertEquals(java.util.List.of(base), left.toList(), "no temporary left behind");
    }
  }
}
