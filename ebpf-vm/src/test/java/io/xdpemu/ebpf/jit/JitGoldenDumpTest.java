package io.xdpemu.ebpf.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xdpemu.ebpf.elf.BpfObjectReader;
import io.xdpemu.ebpf.facts.ProgramFacts;
import io.xdpemu.ebpf.isa.Decoder;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.TraceClassVisitor;

/**
 * The generated class of a few examples, printed by ASM's Textifier, against the dump committed in
 * {@code src/test/resources/jit-golden/NAME.txt}: a change to the code generator shows up here as a
 * readable diff. After an intended change, regenerate with {@code -Dxdpemu.jit.golden.update=true}
 * and review the diff before committing it.
 */
class JitGoldenDumpTest {
  private static final String ROOT = System.getProperty("xdpemu.root", "..");
  private static final Path GOLDEN = Path.of(ROOT, "ebpf-vm/src/test/resources/jit-golden");

  @ParameterizedTest
  @ValueSource(strings = {"xdp_pass", "xdp_calls", "xdp_counter"})
  void generatedCodeMatchesTheCommittedDump(String name) throws IOException {
    Insn[] insns =
        Decoder.validate(
            BpfObjectReader.read(Path.of(ROOT, "examples", name + ".o")).program(name).insns());
    String dump =
        textify(
            new JitCompiler(
                    insns,
                    wide(insns),
                    new boolean[insns.length],
                    ProgramFacts.NONE,
                    new MapBinding[insns.length],
                    new boolean[insns.length])
                .compile("io/xdpemu/ebpf/jit/Bpf_" + name));
    Path golden = GOLDEN.resolve(name + ".txt");
    if (Boolean.getBoolean("xdpemu.jit.golden.update")) {
      Files.writeString(golden, dump);
    }
    assertEquals(Files.readString(golden), dump, "generated code of " + name + " changed");
  }

  /** The ld_imm64 values the code embeds (linked values are read at run time, not embedded). */
  private static long[] wide(Insn[] insns) {
    long[] wide = new long[insns.length];
    for (int pc = 0; pc + 1 < insns.length; pc++) {
      if (insns[pc].opcode() == Opcodes.LD_IMM64) {
        wide[pc] = (insns[pc + 1].imm() & 0xffffffffL) << 32 | (insns[pc].imm() & 0xffffffffL);
        pc++;
      }
    }
    return wide;
  }

  private static String textify(byte[] classFile) {
    StringWriter out = new StringWriter();
    new ClassReader(classFile).accept(new TraceClassVisitor(new PrintWriter(out)), 0);
    return out.toString();
  }
}
