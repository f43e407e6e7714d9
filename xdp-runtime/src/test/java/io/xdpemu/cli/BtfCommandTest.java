package io.xdpemu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.xdpemu.ebpf.btf.BaseBtf;
import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfBuilder;
import io.xdpemu.ebpf.btf.BtfCDump;
import io.xdpemu.ebpf.btf.BtfKind;
import io.xdpemu.ebpf.btf.BtfRawDump;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BtfCommandTest {
  @TempDir Path dir;

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

  private Path bundledBaseFile() throws Exception {
    Path f = dir.resolve("base.btf");
    Files.write(f, BaseBtf.bundled().toBytes());
    return f;
  }

  @Test
  void helpExitsZero() {
    Result r = run("btf", "dump", "--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("usage: xdpemu btf dump FILE"), r.out());
  }

  @Test
  void dumpsRawListingByDefaultAndCWhenAsked() throws Exception {
    Path base = bundledBaseFile();
    Result raw = run("btf", "dump", base.toString());
    assertEquals(0, raw.code(), raw.err());
    assertEquals(BtfRawDump.dump(BaseBtf.bundled()), raw.out());
    Result c = run("btf", "dump", base.toString(), "--format", "c");
    assertEquals(0, c.code(), c.err());
    assertEquals(BtfCDump.dumpHeader(BaseBtf.bundled()), c.out());
    assertTrue(c.out().contains("struct xdp_md {"));
  }

  @Test
  void acceptsBpftoolsSyntax() throws Exception {
    Path base = bundledBaseFile();
    Result raw = run("btf", "dump", "file", base.toString());
    assertEquals(0, raw.code(), raw.err());
    assertEquals(BtfRawDump.dump(BaseBtf.bundled()), raw.out());
    Result c = run("btf", "dump", "file", base.toString(), "format", "c");
    assertEquals(0, c.code(), c.err());
    assertEquals(BtfCDump.dumpHeader(BaseBtf.bundled()), c.out());
    assertEquals(2, run("btf", "dump", "file", base.toString(), "format", "json").code());
    assertEquals(2, run("btf", "dump", "file", base.toString(), "format").code());
  }

  @Test
  void dumpsSplitBtfOnItsBase() throws Exception {
    Path base = bundledBaseFile();
    BtfBuilder b = BtfBuilder.splitOn(BaseBtf.bundled());
    int u32 = BaseBtf.bundled().find("__u32", BtfKind.TYPEDEF);
    b.addStruct("mynic_metadata", 8);
    b.addField("hash", u32, 0, 0);
    b.addField("ptype", u32, 32, 6);
    Path split = dir.resolve("nic.btf");
    Files.write(split, b.toBytes());
    Result r = run("btf", "dump", split.toString(), "--base", base.toString());
    assertEquals(0, r.code(), r.err());
    int first = BaseBtf.bundled().typeCount();
    assertEquals(
        "["
            + first
            + "] STRUCT 'mynic_metadata' size=8 vlen=2\n"
            + "\t'hash' type_id="
            + u32
            + " bits_offset=0\n"
            + "\t'ptype' type_id="
            + u32
            + " bits_offset=32 bitfield_size=6\n",
        r.out());
    Btf reread = Btf.read(split, BaseBtf.bundled());
    assertEquals(first, reread.find("mynic_metadata", BtfKind.STRUCT));
  }

  @Test
  void malformedFileIsExitTwoWithOneLineNamingTheFile() throws Exception {
    Path bad = dir.resolve("bad.btf");
    Files.write(bad, new byte[] {(byte) 0x9f, (byte) 0xeb, 1, 0, 24, 0, 0, 0, 0});
    Result r = run("btf", "dump", bad.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("xdpemu: malformed BTF " + bad), r.err());
    assertTrue(r.err().contains("truncated header"), r.err());
    assertEquals(1, r.err().lines().count());
  }

  @Test
  void usageErrorsAreExitTwo() throws Exception {
    assertEquals(2, run("btf", "dump", dir.resolve("missing.btf").toString()).code());
    assertEquals(2, run("btf", "dump", bundledBaseFile().toString(), "--format", "json").code());
    assertEquals(2, run("btf", "dump").code());
    assertEquals(2, run("btf", "show").code());
    assertEquals(2, run("btf", "dump", "a", "b").code());
  }

  @Test
  void hostVmlinuxDumpMatchesBpftool() throws Exception {
    Path vmlinux = Path.of("/sys/kernel/btf/vmlinux");
    boolean have = Files.isReadable(vmlinux) && Files.isExecutable(Path.of("/usr/sbin/bpftool"));
    if (!have && "1".equals(System.getenv("XDPEMU_REQUIRE_KERNEL"))) {
      throw new AssertionError("kernel BTF and bpftool required (XDPEMU_REQUIRE_KERNEL=1)");
    }
    assumeTrue(have, "kernel BTF or /usr/sbin/bpftool absent: skipping");
    Process p =
        new ProcessBuilder("/usr/sbin/bpftool", "btf", "dump", "file", vmlinux.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor());
    Result r = run("btf", "dump", vmlinux.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(expected.equals(r.out()), "raw dump differs from bpftool");
  }

  /**
   * A mutated BTF whose int has size 0x80000000 (u32 in C): the C dump computed its alignment as a
   * negative Java int and divided by zero. libbpf's btf__align_of takes min(pointer size, size)
   * unsigned; the dump must finish (as bpftool's does) or refuse naming the file.
   */
  @Test
  void cDumpOfAnIntWithAHugeSizeNeitherCrashesNorHides() throws Exception {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(24 + 40 + 9).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) 0xeB9F).put((byte) 1).put((byte) 0).putInt(24); // magic, version, hdr_len
    b.putInt(0).putInt(40).putInt(40).putInt(9); // type_off, type_len, str_off, str_len
    b.putInt(1).putInt(1 << 24).putInt(0x80000000).putInt(32); // [1] INT 'int' size 0x80000000
    b.putInt(5).putInt(4 << 24 | 1).putInt(4); // [2] STRUCT 's' size 4, one member
    b.putInt(7).putInt(1).putInt(0); // 'a' of type [1] at bit 0
    b.put("\0int\0s\0a\0".getBytes(StandardCharsets.US_ASCII));
    Path f = dir.resolve("huge-int.btf");
    Files.write(f, b.array());
    Result c = run("btf", "dump", f.toString(), "--format", "c");
    assertTrue(
        c.code() == 0 || (c.code() == 2 && c.err().contains(f.toString())),
        c.code() + ": " + c.err());
  }
}
