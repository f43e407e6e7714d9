package io.xdpemu.ebpf.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.xdpemu.ebpf.MalformedInputException;
import io.xdpemu.ebpf.XdpemuException;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.testing.Prerequisites;
import io.xdpemu.ebpf.vm.Engine;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.HelperRegistry;
import io.xdpemu.ebpf.vm.Linkage;
import io.xdpemu.ebpf.vm.Program;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The bpf_conformance suite ({@code ../shared/conformance/bpf_conformance}) as dynamic tests named
 * by file. {@code conformance/bpf_conformance.list} says what must happen to every file: {@code
 * pass} (r0 equals the expected result), {@code refuse <stage>} for the negative tests (the stage
 * that must refuse it: parser, assembler, decoder, or mismatch = runs but must not produce the
 * file's wrong expectation) or {@code exclude <reason>}. A file in the suite that the list does not
 * name, or a listed file that does not exist, fails the build.
 *
 * <p>Execution contract (uBPF's plugin, which the suite was written against): r1 = a copy of {@code
 * -- mem} (0 when none), r2 = its length, r10 = top of a 512-byte frame, helper 5 = "unwind"
 * returning r1. Every engine runs the same files.
 */
class ConformanceSuiteTest {
  private static final String LIST = "/conformance/bpf_conformance.list";

  /** Generous for the suite (the largest test runs a few thousand instructions). */
  private static final long BUDGET = 10_000_000;

  private record Entry(String verdict, String detail) {}

  static Path suiteDir() {
    String shared = System.getProperty("xdpemu.shared");
    Path base = shared != null ? Paths.get(shared) : Paths.get("..", "..", "shared");
    return base.resolve("conformance").resolve("bpf_conformance");
  }

  private static Map<String, Entry> readList() throws IOException {
    Map<String, Entry> entries = new LinkedHashMap<>();
    try (InputStream in = ConformanceSuiteTest.class.getResourceAsStream(LIST)) {
      assertNotNull(in, LIST + " missing from the test classpath");
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int lineNo = 0;
      for (String line : text.split("\n")) {
        lineNo++;
        String body = line.strip();
        if (body.isEmpty() || body.startsWith("#")) {
          continue;
        }
        String[] parts = body.split("\\s+", 3);
        String verdict = parts.length > 1 ? parts[1] : "";
        String detail = parts.length > 2 ? parts[2] : "";
        boolean ok =
            verdict.equals("pass") && detail.isEmpty()
                || verdict.equals("refuse") && detail.matches("parser|assembler|decoder|mismatch")
                || verdict.equals("exclude") && !detail.isBlank();
        if (!ok) {
          fail(
              LIST
                  + " line "
                  + lineNo
                  + ": expected '<file> pass', '<file> refuse "
                  + "parser|assembler|decoder|mismatch' or '<file> exclude <reason>': "
                  + body);
        }
        if (entries.put(parts[0], new Entry(verdict, detail)) != null) {
          fail(LIST + " line " + lineNo + ": " + parts[0] + " listed twice");
        }
      }
    }
    return entries;
  }

  @TestFactory
  Stream<DynamicNode> bpfConformance() throws IOException {
    Path dir = suiteDir();
    if (!Files.isDirectory(dir.resolve("tests"))) { // one visible skipped test, with the reason
      String why = "bpf_conformance suite not found at " + dir + " (set -Dxdpemu.shared); skipping";
      return Stream.of(
          DynamicTest.dynamicTest("bpf_conformance", () -> Prerequisites.need(false, why)));
    }
    Map<String, Entry> list = readList();
    TreeSet<String> files = new TreeSet<>();
    for (String sub : new String[] {"tests", "negative"}) {
      try (Stream<Path> s = Files.list(dir.resolve(sub))) {
        s.filter(p -> p.toString().endsWith(".data"))
            .forEach(p -> files.add(sub + "/" + p.getFileName()));
      }
    }
    List<DynamicNode> nodes = new ArrayList<>();
    nodes.add(
        DynamicTest.dynamicTest(
            "list accounts for every file",
            () -> {
              List<String> unlisted = new ArrayList<>();
              for (String f : files) {
                if (!list.containsKey(f)) {
                  unlisted.add(f);
                }
              }
              List<String> missing = new ArrayList<>();
              for (String f : list.keySet()) {
                if (!files.contains(f)) {
                  missing.add(f);
                }
              }
              assertTrue(
                  unlisted.isEmpty() && missing.isEmpty(),
                  "not in " + LIST + ": " + unlisted + "; listed but absent: " + missing);
            }));
    for (String sub : new String[] {"tests", "negative"}) {
      List<DynamicNode> tests = new ArrayList<>();
      for (String f : files) {
        if (!f.startsWith(sub + "/")) {
          continue;
        }
        Entry e = list.get(f);
        String name = f.substring(sub.length() + 1);
        Path path = dir.resolve(f);
        tests.add(
            DynamicTest.dynamicTest(
                name,
                path.toUri(),
                () -> {
                  Assumptions.assumeTrue(e != null, f + " is not listed");
                  Assumptions.assumeFalse(
                      e.verdict().equals("exclude"), () -> "excluded: " + e.detail());
                  String text = Files.readString(path, StandardCharsets.UTF_8);
                  if (e.verdict().equals("pass")) {
                    for (Engine engine : engines()) {
                      assertPasses(engine, name, text);
                    }
                  } else {
                    for (Engine engine : engines()) {
                      assertRefused(engine, name, text, e.detail());
                    }
                  }
                }));
      }
      nodes.add(DynamicContainer.dynamicContainer(sub, tests));
    }
    return nodes.stream();
  }

  /** Every engine runs the whole suite (a JIT adds itself here). */
  private static List<Engine> engines() {
    return List.of(Engine.INTERPRETER, io.xdpemu.ebpf.engines.Engines.byName("jit"));
  }

  static long run(Engine engine, ConformanceFile file, Insn[] insns) {
    HelperRegistry helpers =
        new HelperRegistry().register(5, "unwind", (ctx, r1, r2, r3, r4, r5) -> r1);
    Program program = new Program(file.name(), insns, helpers, Linkage.NONE);
    ExecutionContext ctx = new ExecutionContext(new RegionRegistry());
    ctx.budget = BUDGET;
    byte[] mem = file.mem() == null ? null : file.mem().clone();
    return engine.prepare(program).runOnMemory(ctx, mem);
  }

  private static void assertPasses(Engine engine, String name, String text) {
    ConformanceFile file = ConformanceFile.parse(name, text);
    assertNotNull(file.result(), name + " has no result to compare");
    long r0 = run(engine, file, file.program());
    assertEquals(
        file.result().longValue(),
        r0,
        () ->
            String.format(
                "%s [%s]: r0 = 0x%x, expected 0x%x", name, engine.name(), r0, file.result()));
  }

  private static void assertRefused(Engine engine, String name, String text, String stage) {
    switch (stage) {
      case "parser":
        assertThrows(MalformedInputException.class, () -> ConformanceFile.parse(name, text));
        return;
      case "assembler":
      case "decoder":
        {
          ConformanceFile file = ConformanceFile.parse(name, text);
          MalformedInputException e = assertThrows(MalformedInputException.class, file::program);
          String expectedPrefix =
              stage.equals("assembler") ? "malformed " + name + " line " : "malformed instruction ";
          assertTrue(e.getMessage().startsWith(expectedPrefix), e.getMessage());
          return;
        }
      default: // mismatch: assembles and runs, but must not produce what the file wrongly expects
        {
          ConformanceFile file = ConformanceFile.parse(name, text);
          Insn[] insns = file.program();
          try {
            long r0 = run(engine, file, insns);
            if (file.result() != null) {
              assertNotEquals(file.result().longValue(), r0, name + " must not pass");
            } else {
              assertNotNull(file.error(), name);
            }
          } catch (XdpemuException trap) {
            // refused at run time: also a refusal
          }
        }
    }
  }
}
