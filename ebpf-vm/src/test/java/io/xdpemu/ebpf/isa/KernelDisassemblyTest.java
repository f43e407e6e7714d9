package io.xdpemu.ebpf.isa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel as the oracle for the disassembler: compiles {@code isa/kernel-disasm.c} with clang,
 * loads it with bpftool, and for every instruction of {@code bpftool prog dump xlated ... opcodes}
 * decodes the kernel's bytes and requires our text to equal the kernel's. Calls are skipped: after
 * loading, their imm is an address delta (helpers) or a subprogram index (local calls) that bpftool
 * names through kallsyms and JIT symbols. Skips with a message without root, bpffs, clang or
 * bpftool, unless {@code XDPEMU_REQUIRE_KERNEL=1}.
 */
class KernelDisassemblyTest {
  private static final Pattern INSN = Pattern.compile("^\\s*(\\d+): (\\(..\\) .*)$");
  private static final Pattern BYTES = Pattern.compile("^\\s+((?:[0-9a-f]{2} ?)+)$");

  @TempDir Path tmp;

  private static void require(boolean condition, String why) {
    if ("1".equals(System.getenv("XDPEMU_REQUIRE_KERNEL"))) {
      assertTrue(condition, "kernel test cannot run: " + why);
    } else {
      Assumptions.assumeTrue(condition, "skipping kernel comparison: " + why);
    }
  }

  private static String exec(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  private static boolean runs(String... cmd) {
    try {
      exec(List.of(cmd));
      return true;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** The multiarch include dir holding asm/types.h, which linux/bpf.h needs under -target bpf. */
  private static String asmInclude() throws IOException {
    try (Stream<Path> dirs = Files.list(Paths.get("/usr/include"))) {
      return dirs.filter(d -> Files.exists(d.resolve("asm/types.h")))
          .map(Path::toString)
          .findFirst()
          .orElse("/usr/include");
    }
  }

  /** Compiles isa/kernel-disasm.c into {@code tmp}; returns the object. */
  private Path compileSample() throws Exception {
    require(runs("clang", "--version"), "clang not found");
    Path src = tmp.resolve("kernel-disasm.c");
    try (InputStream in = getClass().getResourceAsStream("/isa/kernel-disasm.c")) {
      Files.write(src, in.readAllBytes());
    }
    Path obj = tmp.resolve("kernel-disasm.o");
    exec(
        List.of(
            "clang",
            "-O2",
            "-g",
            "-target",
            "bpf",
            "-mcpu=v3",
            "-I" + asmInclude(),
            "-c",
            src.toString(),
            "-o",
            obj.toString()));
    return obj;
  }

  @Test
  void decoderAcceptsAndReEncodesEveryCodeSectionClangEmits() throws Exception {
    Path obj = compileSample();
    require(runs("llvm-objcopy", "--version"), "llvm-objcopy not found");
    for (String section : new String[] {"xdp", ".text"}) {
      Path raw = tmp.resolve("section.bin");
      exec(
          List.of(
              "llvm-objcopy",
              "-O",
              "binary",
              "--only-section=" + section,
              obj.toString(),
              raw.toString()));
      byte[] bytes = Files.readAllBytes(raw);
      Insn[] insns = Decoder.decode(bytes);
      assertTrue(insns.length > 3, section + " has " + insns.length + " slots");
      for (int i = 0; i < insns.length; i++) {
        long w = 0;
        for (int k = 7; k >= 0; k--) {
          w = (w << 8) | (bytes[i * 8 + k] & 0xff);
        }
        assertEquals(w, insns[i].encode(), section + " slot " + i);
      }
    }
  }

  @Test
  void matchesBpftoolDumpXlatedForEveryInstructionTheKernelShows() throws Exception {
    Path bpffs = Paths.get("/sys/fs/bpf");
    Path obj = compileSample();
    require(runs("bpftool", "version"), "bpftool not found");
    require(
        Files.isDirectory(bpffs) && Files.isWritable(bpffs), "/sys/fs/bpf not writable (root?)");
    Path pin = bpffs.resolve("xdpemu_disasm_" + ProcessHandle.current().pid());
    String dump;
    try {
      try {
        exec(List.of("bpftool", "prog", "load", obj.toString(), pin.toString(), "type", "xdp"));
      } catch (IOException e) {
        require(false, "bpftool prog load failed: " + e.getMessage());
      }
      dump =
          exec(List.of("bpftool", "prog", "dump", "xlated", "pinned", pin.toString(), "opcodes"));
    } finally {
      Files.deleteIfExists(pin);
    }
    String[] lines = dump.split("\n");
    List<String> mismatches = new ArrayList<>();
    int compared = 0;
    for (int i = 0; i + 1 < lines.length; i++) {
      Matcher m = INSN.matcher(lines[i]);
      Matcher b = BYTES.matcher(lines[i + 1]);
      if (!m.matches() || !b.matches()) {
        continue;
      }
      String[] hex = b.group(1).trim().split(" ");
      Insn[] slots = new Insn[hex.length / 8];
      for (int s = 0; s < slots.length; s++) {
        long w = 0;
        for (int k = 7; k >= 0; k--) {
          w = (w << 8) | Integer.parseInt(hex[s * 8 + k], 16);
        }
        slots[s] = Insn.decode(w);
      }
      if (slots[0].opcode() == Opcodes.CALL_OP) {
        continue;
      }
      compared++;
      String ours = new Disassembler().format(slots, 0);
      if (!ours.equals(m.group(2))) {
        mismatches.add("pc " + m.group(1) + ": kernel '" + m.group(2) + "', ours '" + ours + "'");
      }
    }
    if (compared < 50) {
      fail("too few instructions parsed from bpftool output (" + compared + "):\n" + dump);
    }
    assertEquals(List.of(), mismatches);
  }
}
