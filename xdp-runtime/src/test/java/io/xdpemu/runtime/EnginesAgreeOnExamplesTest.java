package io.xdpemu.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.ProgramRejectedException;
import io.xdpemu.ebpf.XdpemuException;
import io.xdpemu.ebpf.jit.JitEngine;
import io.xdpemu.pcap.Capture;
import io.xdpemu.pcap.CaptureCursor;
import io.xdpemu.pcap.EthernetFramer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Differential test of the engines on the example objects: each examples/*.o and examples/maps/*.o
 * is loaded twice through the whole pipeline (ELF, CO-RE, maps, verifier), once per engine, and fed
 * the same frames (the first 300 of pcaps/mixed-1k.pcap, all of tunnels-200.pcap, and truncated
 * copies) as {@code test-run} would, maps persisting. Per frame the return value and the output
 * frame and metadata, or the trap message, must be equal; at the end, every map.
 */
class EnginesAgreeOnExamplesTest {
  private static List<byte[]> frames() throws IOException {
    List<byte[]> frames = new ArrayList<>();
    for (String name : new String[] {"mixed-1k", "tunnels-200"}) {
      Path p = MapsExamplesDifferentialTest.root().resolve("pcaps/" + name + ".pcap");
      CaptureCursor c = Capture.of(p.toString(), Files.readAllBytes(p)).cursor();
      int n = 0;
      while (c.next() && n++ < 300) {
        byte[] f = new byte[EthernetFramer.frameLength(c)];
        EthernetFramer.frame(c, f, 0);
        frames.add(f);
        if (n % 10 == 0 && f.length > 20) { // truncated frames exercise the bounds checks
          frames.add(java.util.Arrays.copyOf(f, 14 + n % (f.length - 14)));
        }
      }
    }
    return frames;
  }

  @TestFactory
  Stream<DynamicTest> jitAndInterpreterAgreeFrameByFrame() throws IOException {
    Path root = MapsExamplesDifferentialTest.root();
    List<Path> objects = new ArrayList<>();
    for (String dir : new String[] {"examples", "examples/maps"}) {
      try (Stream<Path> s = Files.list(root.resolve(dir))) {
        s.filter(p -> p.toString().endsWith(".o")).sorted().forEach(objects::add);
      }
    }
    assertTrue(objects.size() >= 15, "examples found: " + objects);
    List<byte[]> frames = frames();
    return objects.stream()
        .map(o -> DynamicTest.dynamicTest(root.relativize(o).toString(), () -> agree(o, frames)));
  }

  /** Verified when our verifier accepts it; otherwise unverified, with the instruction budget. */
  private static LoadPipeline.Loaded load(Path object, String engine) {
    try {
      LoadOptions o =
          new LoadOptions(object, null, null, null, null, engine, false, null, null, true);
      return LoadPipeline.load(o, 2, TargetBtf.of(o));
    } catch (ProgramRejectedException e) {
      LoadOptions o =
          new LoadOptions(object, null, null, null, null, engine, false, null, null, false);
      return LoadPipeline.load(o, 2, TargetBtf.of(o));
    }
  }

  private static void agree(Path object, List<byte[]> frames) {
    LoadPipeline.Loaded interp = load(object, "interp");
    LoadPipeline.Loaded jit = load(object, "jit");
    assertTrue(JitEngine.compiled(jit.executable()), object + " was not compiled");
    TestRun.Session a = new TestRun.Session(interp);
    TestRun.Session b = new TestRun.Session(jit);
    int i = 0;
    for (byte[] f : frames) {
      assertEquals(outcome(a, f), outcome(b, f), object + " frame " + i++);
    }
    assertEquals(interp.mapsJson(), jit.mapsJson(), object + ": maps after all frames");
  }

  private static String outcome(TestRun.Session s, byte[] frame) {
    try {
      TestRun.Result r = s.run(new byte[0], frame, 1);
      return r.retval()
          + " meta="
          + HexFormat.of().formatHex(r.metaOut())
          + " data="
          + HexFormat.of().formatHex(r.dataOut());
    } catch (XdpemuException e) {
      return e.getMessage();
    }
  }

  /**
   * Out-of-bounds programs: each example with one memory access's offset moved (seeded), run
   * unverified under both engines on the same frames; traps (pc and message) must be identical.
   */
  @TestFactory
  Stream<DynamicTest> mutatedExamplesTrapIdentically() throws IOException {
    Path root = MapsExamplesDifferentialTest.root();
    List<Path> objects = new ArrayList<>();
    try (Stream<Path> s = Files.list(root.resolve("examples"))) {
      s.filter(p -> p.toString().endsWith(".o")).sorted().forEach(objects::add);
    }
    List<byte[]> frames = frames().subList(0, 40);
    return objects.stream()
        .map(
            o ->
                DynamicTest.dynamicTest(
                    root.relativize(o).toString(), () -> mutantsAgree(o, frames)));
  }

  private static void mutantsAgree(Path object, List<byte[]> frames) {
    java.util.Random rnd = new java.util.Random(object.getFileName().toString().hashCode());
    int traps = 0;
    for (int m = 0; m < 12; m++) {
      LoadPipeline.Loaded a = load(object, "interp");
      LoadPipeline.Loaded b = load(object, "jit");
      io.xdpemu.ebpf.isa.Insn[] insns = a.program().insns().clone();
      List<Integer> memory = new ArrayList<>();
      for (int pc = 0; pc < insns.length; pc++) {
        int cls = insns[pc].cls();
        if (cls == io.xdpemu.ebpf.isa.Opcodes.LDX
            || cls == io.xdpemu.ebpf.isa.Opcodes.ST
            || cls == io.xdpemu.ebpf.isa.Opcodes.STX) {
          memory.add(pc);
        }
      }
      if (memory.isEmpty()) {
        return;
      }
      int pc = memory.get(rnd.nextInt(memory.size()));
      int off = insns[pc].off() + (rnd.nextBoolean() ? 1 : -1) * (1 + rnd.nextInt(600));
      insns[pc] = insns[pc].withOff(Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, off)));
      String where = object + " with insn " + pc + " offset " + off;
      TestRun.Session sa = new TestRun.Session(unverified(a, "interp", insns));
      TestRun.Session sb = new TestRun.Session(unverified(b, "jit", insns));
      for (byte[] f : frames) {
        String expected = outcome(sa, f);
        assertEquals(expected, outcome(sb, f), where);
        if (expected.startsWith("trap")) {
          traps++;
        }
      }
      assertEquals(a.mapsJson(), b.mapsJson(), where + ": maps");
    }
    assertTrue(traps > 0, object + ": no mutant trapped");
  }

  /** {@code loaded} running {@code insns} instead, unverified (with the instruction budget). */
  private static LoadPipeline.Loaded unverified(
      LoadPipeline.Loaded l, String engine, io.xdpemu.ebpf.isa.Insn[] insns) {
    io.xdpemu.ebpf.vm.Program p =
        new io.xdpemu.ebpf.vm.Program(
            l.program().name(), insns, l.helpers(), l.program().linkage());
    return new LoadPipeline.Loaded(
        l.options(),
        l.object(),
        l.spec(),
        l.targetBtf(),
        l.regions(),
        l.maps(),
        l.helpers(),
        p,
        io.xdpemu.ebpf.engines.Engines.byName(engine).prepare(p),
        null,
        l.fib(),
        l.cpus());
  }
}
