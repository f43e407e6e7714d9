package io.xdpemu.ebpf.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.XdpemuException;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.jit.JitEngine;
import io.xdpemu.ebpf.vm.Engine;
import io.xdpemu.ebpf.vm.Executable;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.HelperRegistry;
import io.xdpemu.ebpf.vm.Linkage;
import io.xdpemu.ebpf.vm.Program;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The JIT on the bpf_conformance programs beyond what {@link ConformanceSuiteTest} checks (which
 * runs every engine on every file): every program that assembles is really compiled (no silent
 * fallback to the interpreter), and under small instruction budgets both engines end the same way:
 * the same r0, or a trap with the same pc and message, and the same budget left.
 */
class JitConformanceDifferentialTest {
  private static final long[] BUDGETS = {0, 1, 2, 3, 7, 20, 100, 1000};

  private static List<ConformanceFile> assembledFiles() throws IOException {
    Path dir = ConformanceSuiteTest.suiteDir();
    Assumptions.assumeTrue(Files.isDirectory(dir.resolve("tests")), "suite not found at " + dir);
    List<ConformanceFile> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir.resolve("tests"))) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        try {
          ConformanceFile f =
              ConformanceFile.parse(
                  p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
          f.program();
          files.add(f);
        } catch (XdpemuException refused) {
          // refused by the parser/assembler/decoder: the suite test pins those
        }
      }
    }
    return files;
  }

  private static Program program(ConformanceFile f) {
    HelperRegistry helpers =
        new HelperRegistry().register(5, "unwind", (ctx, r1, r2, r3, r4, r5) -> r1);
    Insn[] insns = f.program();
    return new Program(f.name(), insns, helpers, Linkage.NONE);
  }

  /** r0, or the trap message, plus the budget left: what must agree between engines. */
  private static String outcome(Engine engine, Program p, ConformanceFile f, long budget) {
    ExecutionContext ctx = new ExecutionContext(new RegionRegistry());
    ctx.budget = budget;
    byte[] mem = f.mem() == null ? null : f.mem().clone();
    String end;
    try {
      end = "r0=0x" + Long.toHexString(engine.prepare(p).runOnMemory(ctx, mem));
    } catch (XdpemuException e) {
      return e.getMessage(); // the budget left after a trap is not part of the contract
    }
    return end + " budget=" + ctx.budget;
  }

  @Test
  void everyAssembledSuiteProgramIsCompiledNotInterpreted() throws IOException {
    List<ConformanceFile> files = assembledFiles();
    assertTrue(files.size() > 300, "suite has " + files.size() + " programs");
    for (ConformanceFile f : files) {
      Executable e = JitEngine.INSTANCE.prepare(program(f));
      assertTrue(JitEngine.compiled(e), f.name() + " fell back to the interpreter");
    }
  }

  @Test
  void budgetTrapsAndBudgetLeftMatchTheInterpreterOnEverySuiteProgram() throws IOException {
    int traps = 0;
    for (ConformanceFile f : assembledFiles()) {
      Program p = program(f);
      for (long budget : BUDGETS) {
        String interp = outcome(Engine.INTERPRETER, p, f, budget);
        String jit = outcome(JitEngine.INSTANCE, p, f, budget);
        assertEquals(interp, jit, f.name() + " with budget " + budget);
        if (interp.contains("budget exhausted")) {
          traps++;
        }
      }
    }
    assertTrue(traps > 50, "only " + traps + " budget traps exercised");
  }
}
