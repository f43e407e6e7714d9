package io.xdpemu.verifier;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.ebpf.elf.BpfObjectReader;
import io.xdpemu.ebpf.elf.ProgramSpec;
import io.xdpemu.ebpf.engines.Engines;
import io.xdpemu.ebpf.facts.ProgramFacts;
import io.xdpemu.ebpf.helpers.Fib;
import io.xdpemu.ebpf.helpers.HelperEnvironment;
import io.xdpemu.ebpf.helpers.Helpers;
import io.xdpemu.ebpf.jit.ProvenAccessFaultedException;
import io.xdpemu.ebpf.maps.ArrayMap;
import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.ebpf.maps.MapDefinition;
import io.xdpemu.ebpf.maps.MapRegistry;
import io.xdpemu.ebpf.vm.Engine;
import io.xdpemu.ebpf.vm.Executable;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.Helper;
import io.xdpemu.ebpf.vm.HelperRegistry;
import io.xdpemu.ebpf.vm.Linkage;
import io.xdpemu.ebpf.vm.Program;
import io.xdpemu.ebpf.vm.RegionRegistry;
import io.xdpemu.ebpf.vm.TrapException;
import io.xdpemu.ebpf.vm.XdpBuff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The soundness net: every corpus program the verifier accepts runs in the interpreter over many
 * packets (empty, truncated at every length through the headers, IPv4 with every IHL, UDP, random
 * bytes, with and without metadata) and must never hit a run-time bounds trap. A trap here means
 * the verifier accepted something it should not have.
 */
class AcceptedProgramsDoNotTrapTest {
  static final int HEADROOM = 256;
  static final int FRAME = 4096;

  static List<byte[]> packets() {
    List<byte[]> out = new ArrayList<>();
    byte[] udp = new byte[14 + 60 + 8 + 32];
    udp[12] = 0x08; // EtherType IPv4
    udp[14] = 0x45;
    udp[14 + 9] = 17; // UDP
    udp[14 + 20 + 2] = 0;
    udp[14 + 20 + 3] = 53;
    for (int len = 0; len <= udp.length; len++) {
      out.add(java.util.Arrays.copyOf(udp, len));
    }
    for (int ihl = 0; ihl < 16; ihl++) {
      byte[] p = udp.clone();
      p[14] = (byte) (0x40 | ihl);
      for (int len : new int[] {34, 38, 42, 54, 60, 74, 82, p.length}) {
        out.add(java.util.Arrays.copyOf(p, len));
      }
    }
    Random rnd = new Random(42);
    for (int i = 0; i < 200; i++) {
      byte[] p = new byte[rnd.nextInt(200)];
      rnd.nextBytes(p);
      out.add(p);
    }
    return out;
  }

  @Test
  void acceptedCorpusProgramsNeverTrap() throws Exception {
    List<String> traps = new ArrayList<>();
    int ran = 0;
    for (CorpusPrograms.Row row : CorpusPrograms.results()) {
      CorpusPrograms.Loaded l = CorpusPrograms.load(row.name());
      VerifierResult v =
          Verifier.verify(l.insns(), VerifierOptions.privileged(l.info()).withLogLevel(0));
      if (v.accepted()) {
        ran += runAll(row.name(), traps);
      }
    }
    assertTrue(ran > 1000, "ran " + ran);
    assertTrue(
        traps.isEmpty(), "verifier bug: accepted programs trapped:\n" + String.join("\n", traps));
  }

  /**
   * The same net for the JIT compiled with the verifier's facts: proven accesses have no check of
   * ours, so a wrong fact would show as a {@link ProvenAccessFaultedException} (or a trap on a path
   * the facts did not cover).
   */
  @Test
  void acceptedCorpusProgramsNeverFaultInTheJitWithFacts() throws Exception {
    List<String> traps = new ArrayList<>();
    int ran = 0;
    for (CorpusPrograms.Row row : CorpusPrograms.results()) {
      CorpusPrograms.Loaded l = CorpusPrograms.load(row.name());
      VerifierResult v =
          Verifier.verify(l.insns(), VerifierOptions.privileged(l.info()).withLogLevel(0));
      if (v.accepted()) {
        ran += runAll(row.name(), traps, Engines.byName("jit"), v.facts());
      }
    }
    assertTrue(ran > 1000, "ran " + ran);
    assertTrue(
        traps.isEmpty(), "verifier bug: accepted programs faulted:\n" + String.join("\n", traps));
  }

  /** The net itself works: programs rejected for out-of-bounds packet reads do trap. */
  @Test
  void rejectedOutOfBoundsProgramsDoTrap() throws Exception {
    for (String name :
        new String[] {
          "unsafe_01_no_data_end_check", "unsafe_02_off_by_one", "unsafe_08_meta_no_check"
        }) {
      CorpusPrograms.load(name);
      List<String> traps = new ArrayList<>();
      runAll(name, traps);
      assertTrue(!traps.isEmpty(), name + " never trapped");
    }
  }

  static int runAll(String name, List<String> traps) throws Exception {
    return runAll(name, traps, Engine.INTERPRETER, ProgramFacts.NONE);
  }

  static int runAll(String name, List<String> traps, Engine engine, ProgramFacts facts)
      throws Exception {
    return runAll(name, traps, engine, facts, new ArrayList<>());
  }

  /**
   * The JIT with the verifier's facts (constants folded, dead branches decided, proven accesses,
   * bound calls) against the interpreter without them: the same r0 and frame bytes, packet after
   * packet, on every accepted corpus program (maps persist through each engine's runs alike).
   */
  @Test
  void acceptedCorpusProgramsGiveTheInterpretersResultsInTheJitWithFacts() throws Exception {
    List<String> differ = new ArrayList<>();
    int ran = 0;
    for (CorpusPrograms.Row row : CorpusPrograms.results()) {
      CorpusPrograms.Loaded l = CorpusPrograms.load(row.name());
      VerifierResult v =
          Verifier.verify(l.insns(), VerifierOptions.privileged(l.info()).withLogLevel(0));
      if (!v.accepted()) {
        continue;
      }
      List<String> traps = new ArrayList<>();
      List<String> interp = new ArrayList<>();
      List<String> jit = new ArrayList<>();
      ran += runAll(row.name(), traps, Engine.INTERPRETER, ProgramFacts.NONE, interp);
      runAll(row.name(), traps, Engines.byName("jit"), v.facts(), jit);
      for (int i = 0; i < interp.size(); i++) {
        if (!interp.get(i).equals(jit.get(i))) {
          differ.add(
              row.name() + " run " + i + ": interpreter " + interp.get(i) + ", jit " + jit.get(i));
          break;
        }
      }
    }
    assertTrue(ran > 1000, "ran " + ran);
    assertTrue(differ.isEmpty(), "engines differ:\n" + String.join("\n", differ));
  }

  /** As above; {@code outcomes} receives r0 and the frame's hash of each run. */
  static int runAll(
      String name, List<String> traps, Engine engine, ProgramFacts facts, List<String> outcomes)
      throws Exception {
    int ran = 0;
    Path obj = Paths.get("target", "verifier-corpus", name + ".o");
    BpfObject o = BpfObjectReader.read(obj.getFileName().toString(), Files.readAllBytes(obj));
    ProgramSpec spec = o.program(null);
    RegionRegistry regions = new RegionRegistry();
    MapRegistry maps = new MapRegistry(regions, 1);
    List<BpfMap> created = new ArrayList<>();
    for (MapDefinition d : o.maps()) {
      created.add(maps.create(d));
    }
    HelperRegistry helpers = Helpers.registry(new HelperEnvironment(maps, Fib.empty()));
    long[] values = new long[spec.insns().length];
    for (ProgramSpec.MapReference r : spec.mapReferences()) {
      BpfMap m = created.get(r.mapIndex());
      values[r.pc()] = r.value() ? ((ArrayMap) m).valuePointer(r.offset()) : m.handle();
    }
    Linkage linkage =
        new Linkage() {
          @Override
          public long ldImm64(int pc) {
            return values[pc];
          }

          @Override
          public Helper kfunc(int pc) {
            return null;
          }
        };
    Executable exe =
        engine.prepare(new Program(spec.name(), spec.insns(), helpers, linkage), facts);
    ExecutionContext ctx = new ExecutionContext(regions);
    ctx.services = maps;
    for (byte[] data : packets()) {
      for (int metaLen : new int[] {0, 4, 32}) {
        byte[] frame = new byte[FRAME];
        System.arraycopy(data, 0, frame, HEADROOM, data.length);
        XdpBuff x = ctx.xdp();
        x.set(frame, 0, HEADROOM - metaLen, HEADROOM, HEADROOM + data.length, FRAME - 320);
        x.ingressIfindex = 1;
        x.rxQueueIndex = data.length % 4;
        ctx.syncPacket();
        ctx.resetRun();
        ran++;
        try {
          long r0 = exe.run(ctx, ExecutionContext.contextPointer());
          outcomes.add(r0 + " frame " + java.util.Arrays.hashCode(frame));
        } catch (TrapException | ProvenAccessFaultedException t) {
          traps.add(name + " len=" + data.length + " meta=" + metaLen + ": " + t.getMessage());
          outcomes.add("trap " + t.getMessage());
        }
      }
    }
    return ran;
  }
}
