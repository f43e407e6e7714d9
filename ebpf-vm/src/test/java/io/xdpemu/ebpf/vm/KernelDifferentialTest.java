package io.xdpemu.ebpf.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.isa.Assembler;
import io.xdpemu.ebpf.isa.Decoder;
import io.xdpemu.ebpf.isa.Disassembler;
import io.xdpemu.ebpf.isa.Insn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running kernel as the oracle for the interpreter's arithmetic and memory semantics. Random
 * programs (fixed seeds) of ALU32/ALU64 operations incl. ISA v4 (sdiv, smod, movsx, bswap), byte
 * swaps, sign-extending and plain packet loads, atomics (with fetch, xchg, cmpxchg; 32/64) and
 * load-acquire/store-release (8-64 bits) on a stack slot and short forward JMP/JMP32 branches are
 * encoded by our assembler and embedded as raw {@code .quad} words in the {@code asm} block of an
 * XDP program (so clang 14, which knows no ISA v4, passes them through untouched). The kernel runs
 * each with {@code bpftool prog run} on a 768-byte frame; every ten operations the program stores
 * r0-r5 and r7-r9 into the frame, and the output frame must equal ours byte for byte. The same
 * words run in our interpreter through the xdp_md conversion. Skips with a message without root,
 * bpffs, clang or bpftool, unless {@code XDPEMU_REQUIRE_KERNEL=1}.
 */
class KernelDifferentialTest {
  private static final int PROGRAMS = 16;
  private static final int OPS = 80;
  private static final int FRAME = 768;

  /** Every CHECKPOINT ops the registers are stored, so intermediate values are compared too. */
  private static final int CHECKPOINT = 10;

  private static final int[] REGS = {0, 1, 2, 3, 4, 5, 7, 8, 9}; // r6 holds data

  @TempDir Path tmp;

  private static void require(boolean condition, String why) {
    if ("1".equals(System.getenv("XDPEMU_REQUIRE_KERNEL"))) {
      assertTrue(condition, "kernel test cannot run: " + why);
    } else {
      Assumptions.assumeTrue(condition, "skipping kernel differential test: " + why);
    }
  }

  private static String exec(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
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

  /**
   * One random program in the suite's assembler syntax; stores the registers into the frame. The
   * last two instructions ({@code mov r0, 2; exit}) are the C function's own return, not embedded.
   */
  static String randomProgram(long seed) {
    Random rnd = new Random(seed);
    List<String> body = new ArrayList<>();
    body.add("stdw [%r10-8], 0"); // branches may skip an atomic group's own initialising store
    for (int r : REGS) {
      body.add("lddw %r" + r + ", 0x" + Long.toHexString(rnd.nextLong()));
    }
    int stored = 0;
    for (int i = 0; i < OPS; i++) {
      body.add(randomOp(rnd, CHECKPOINT - i % CHECKPOINT));
      if (i % CHECKPOINT == CHECKPOINT - 1) {
        for (int r : REGS) {
          body.add("stxdw [%r6+" + 8 * stored++ + "], %r" + r);
        }
      }
    }
    int slots = Assembler.assemble(String.join("\n", body)).length;
    List<String> prog = new ArrayList<>();
    prog.add("ldxw %r6, [%r1+0]");
    prog.add("ldxw %r2, [%r1+4]");
    prog.add("mov %r3, %r6");
    prog.add("add %r3, " + FRAME);
    prog.add("mov %r0, 0");
    prog.add("jgt %r3, %r2, +" + slots);
    prog.addAll(body);
    prog.add("mov %r0, 2"); // what the C function does after its asm block: return XDP_PASS
    prog.add("exit");
    return String.join("\n", prog);
  }

  private static String reg(Random rnd) {
    return "%r" + REGS[rnd.nextInt(REGS.length)];
  }

  private static String randomOp(Random rnd, int remaining) {
    String[] alu = {
      "add", "sub", "mul", "div", "or", "and", "lsh", "rsh", "mod", "xor", "mov", "arsh", "sdiv",
      "smod"
    };
    int kind = rnd.nextInt(22);
    if (kind < 13) {
      String op = alu[rnd.nextInt(alu.length)];
      boolean w32 = rnd.nextBoolean();
      String m = op + (w32 ? "32" : "");
      if (rnd.nextBoolean()) {
        return m + " " + reg(rnd) + ", " + reg(rnd);
      }
      long imm;
      if (op.endsWith("sh")) {
        imm = rnd.nextInt(w32 ? 32 : 64); // the verifier refuses out-of-range constant shifts
      } else if (op.contains("div") || op.contains("mod")) {
        imm = rnd.nextBoolean() ? -1 - rnd.nextInt(7) : 1 + rnd.nextInt(1000); // never 0
      } else {
        imm = rnd.nextInt();
      }
      return m + " " + reg(rnd) + ", " + imm;
    }
    switch (kind) {
      case 13:
        return (rnd.nextBoolean() ? "neg " : "neg32 ") + reg(rnd);
      case 14:
        {
          String[] sw = {
            "le16", "le32", "le64", "be16", "be32", "be64", "bswap16", "bswap32", "bswap64"
          };
          return sw[rnd.nextInt(sw.length)] + " " + reg(rnd);
        }
      case 15:
        {
          String[] mx = {"movsx832", "movsx1632", "movsx864", "movsx1664", "movsx3264"};
          return mx[rnd.nextInt(mx.length)] + " " + reg(rnd) + ", " + reg(rnd);
        }
      case 16:
      case 17:
        {
          String[] ld = {"ldxb", "ldxh", "ldxw", "ldxdw", "ldxsb", "ldxsh", "ldxsw"};
          int[] size = {1, 2, 4, 8, 1, 2, 4};
          int which = rnd.nextInt(ld.length);
          return ld[which]
              + " "
              + reg(rnd)
              + ", [%r6+"
              + rnd.nextInt(FRAME - size[which] + 1)
              + "]";
        }
      case 20:
      case 21:
        { // an atomic on an initialised stack slot (the kernel refuses atomics on packet memory)
          String[] ops = {
            "add",
            "or",
            "and",
            "xor",
            "fetch add",
            "fetch or",
            "fetch and",
            "fetch xor",
            "xchg",
            "cmpxchg"
          };
          boolean w32 = rnd.nextBoolean();
          if (rnd.nextInt(4) == 0) { // load-acquire / store-release, any size
            String[] sz = {"b", "h", "w", "dw"};
            return "stxrel"
                + sz[rnd.nextInt(4)]
                + " [%r10-8], "
                + reg(rnd)
                + "\nldxacq"
                + sz[rnd.nextInt(4)]
                + " "
                + reg(rnd)
                + ", [%r10-8]";
          }
          return "stxdw [%r10-8], "
              + reg(rnd)
              + "\nlock "
              + ops[rnd.nextInt(ops.length)]
              + (w32 ? "32" : "")
              + " [%r10-8], "
              + reg(rnd)
              + "\nldxdw "
              + reg(rnd)
              + ", [%r10-8]";
        }
      default:
        {
          if (remaining < 4) {
            return "xor " + reg(rnd) + ", " + rnd.nextInt();
          }
          String[] j = {
            "jeq", "jne", "jgt", "jge", "jlt", "jle", "jset", "jsgt", "jsge", "jslt", "jsle"
          };
          String m = j[rnd.nextInt(j.length)] + (rnd.nextBoolean() ? "32" : "");
          String rhs = rnd.nextBoolean() ? reg(rnd) : Integer.toString(rnd.nextInt(2000) - 1000);
          return m + " " + reg(rnd) + ", " + rhs + ", +" + (1 + rnd.nextInt(2));
        }
    }
  }

  private static String cFunction(String name, Insn[] insns) {
    StringBuilder sb = new StringBuilder();
    sb.append("SEC(\"xdp\") int ").append(name).append("(struct xdp_md *ctx) {\n");
    sb.append("  register void *c asm(\"r1\") = ctx;\n  asm volatile(\n");
    for (Insn i : insns) {
      sb.append(String.format("    \".quad 0x%016x\\n\"%n", i.encode()));
    }
    sb.append("    : \"+r\"(c) :: \"r0\", \"r2\", \"r3\", \"r4\", \"r5\", \"r6\", \"r7\", \"r8\",")
        .append(" \"r9\", \"memory\");\n  return XDP_PASS;\n}\n\n");
    return sb.toString();
  }

  @Test
  void randomAluAndPacketProgramsLeaveTheSameFrameAsTheKernel() throws Exception {
    Path bpffs = Paths.get("/sys/fs/bpf");
    require(runs("clang", "--version"), "clang not found");
    require(runs("bpftool", "version"), "bpftool not found");
    require(
        Files.isDirectory(bpffs) && Files.isWritable(bpffs), "/sys/fs/bpf not writable (root?)");
    List<Insn[]> programs = new ArrayList<>();
    StringBuilder c = new StringBuilder("#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n\n");
    for (int p = 0; p < PROGRAMS; p++) {
      Insn[] insns = Decoder.validate(Assembler.assemble(randomProgram(1000 + p)));
      programs.add(insns);
      c.append(cFunction("rnd" + p, java.util.Arrays.copyOf(insns, insns.length - 2)));
    }
    c.append("char _license[] SEC(\"license\") = \"GPL\";\n");
    Path src = tmp.resolve("rnd.c");
    Files.writeString(src, c.toString());
    Path obj = tmp.resolve("rnd.o");
    exec(
        List.of(
            "clang",
            "-O2",
            "-target",
            "bpf",
            "-mcpu=v3",
            "-I" + io.xdpemu.ebpf.testing.KernelTools.asmInclude(),
            "-c",
            src.toString(),
            "-o",
            obj.toString()));
    byte[] input = new byte[FRAME];
    new Random(7).nextBytes(input);
    Path in = tmp.resolve("in.bin");
    Files.write(in, input);
    Path pins = bpffs.resolve("xdpemu_diff_" + ProcessHandle.current().pid());
    List<byte[]> kernelFrames = new ArrayList<>();
    try {
      try {
        exec(List.of("bpftool", "prog", "loadall", obj.toString(), pins.toString(), "type", "xdp"));
      } catch (IOException e) {
        require(false, "bpftool prog loadall failed: " + e.getMessage());
      }
      Pattern ret = Pattern.compile("Return value: (\\d+)");
      for (int p = 0; p < PROGRAMS; p++) {
        Path out = tmp.resolve("out" + p + ".bin");
        String text =
            exec(
                List.of(
                    "bpftool",
                    "prog",
                    "run",
                    "pinned",
                    pins.resolve("rnd" + p).toString(),
                    "data_in",
                    in.toString(),
                    "data_out",
                    out.toString(),
                    "repeat",
                    "1"));
        Matcher m = ret.matcher(text);
        assertTrue(m.find(), text);
        assertEquals("2", m.group(1), "kernel return value of rnd" + p);
        kernelFrames.add(Files.readAllBytes(out));
      }
    } finally {
      if (Files.exists(pins)) {
        try (Stream<Path> s = Files.walk(pins)) {
          for (Path x : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
            Files.deleteIfExists(x);
          }
        }
      }
    }
    for (int p = 0; p < PROGRAMS; p++) {
      Insn[] insns = programs.get(p);
      ExecutionContext ctx = new ExecutionContext(new RegionRegistry());
      byte[] frame = new byte[256 + FRAME];
      System.arraycopy(input, 0, frame, 256, FRAME);
      ctx.xdp().set(frame, 0, 256, 256, 256 + FRAME, frame.length);
      ctx.syncPacket();
      Program program = new Program("rnd" + p, insns, new HelperRegistry(), Linkage.NONE);
      assertEquals(2, Interpreter.forProgram(program).run(ctx, ExecutionContext.contextPointer()));
      byte[] ours = java.util.Arrays.copyOfRange(frame, 256, 256 + FRAME);
      byte[] theirs = kernelFrames.get(p);
      if (!java.util.Arrays.equals(ours, theirs)) {
        StringBuilder why = new StringBuilder("rnd" + p + " (seed " + (1000 + p) + ") differs:\n");
        for (int i = 0; i + 8 <= FRAME; i += 8) {
          long a = (long) MemoryAccess.I64.get(ours, i);
          long b = (long) MemoryAccess.I64.get(theirs, i);
          if (a != b) {
            why.append(String.format("  frame+%d: ours 0x%x kernel 0x%x%n", i, a, b));
          }
        }
        why.append(String.join("\n", new Disassembler().listing(insns)));
        throw new AssertionError(why.toString());
      }
    }
  }
}
