package io.xdpemu.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.jit.JitEngine;
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
 * The code the JIT generates for examples the verifier accepted, with its facts (proven accesses
 * straight to the arrays, map helper calls bound to their map, no instruction meter), printed by
 * ASM's Textifier against {@code src/test/resources/jit-golden-verified/NAME.txt}: a change to what
 * the facts buy shows up here as a readable diff. (The unverified code of a few examples is
 * ebpf-vm's {@code JitGoldenDumpTest}.) After an intended change, regenerate with {@code
 * -Dxdpemu.jit.golden.update=true} and review the diff before committing it.
 */
class JitVerifiedGoldenDumpTest {
  private static final Path GOLDEN =
      MapsExamplesDifferentialTest.root()
          .resolve("xdp-runtime/src/test/resources/jit-golden-verified");

  @ParameterizedTest
  @ValueSource(strings = {"xdp_counter", "xdp_lpm", "xdp_bounce"})
  void generatedCodeOfAVerifiedProgramMatchesTheCommittedDump(String name) throws IOException {
    Path object = MapsExamplesDifferentialTest.root().resolve("examples/" + name + ".o");
    LoadOptions options =
        new LoadOptions(object, null, null, null, null, "jit", false, null, null, true);
    LoadPipeline.Loaded loaded = LoadPipeline.load(options, 1, TargetBtf.of(options));
    assertTrue(loaded.verdict().accepted(), name);
    String dump = textify(JitEngine.classFile(loaded.program(), loaded.verdict().facts()));
    Path golden = GOLDEN.resolve(name + ".txt");
    if (Boolean.getBoolean("xdpemu.jit.golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(golden, dump);
    }
    assertEquals(Files.readString(golden), dump, "generated code of verified " + name + " changed");
  }

  private static String textify(byte[] classFile) {
    StringWriter out = new StringWriter();
    new ClassReader(classFile).accept(new TraceClassVisitor(new PrintWriter(out)), 0);
    return out.toString();
  }
}
