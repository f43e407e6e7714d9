package io.xdpemu.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.btf.BaseBtf;
import io.xdpemu.ebpf.elf.ElfFile;
import io.xdpemu.ebpf.elf.ElfSection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated ELF objects, BTF, pcap/pcapng captures and firmware files through the command line: every
 * mutant must end in success, a rejection, or the documented bad-input error (exit 2, one line
 * naming the file). CI runs a few thousand fixed-seed cases per format; {@code .ci/fuzz-long.sh}
 * runs more with {@code -Dxdpemu.fuzz.cases=N -Dxdpemu.fuzz.seed=S}.
 */
class FormatFuzzTest {
  private static final Path EXAMPLES = Path.of("..", "examples");
  private static final int CASES = Integer.getInteger("xdpemu.fuzz.cases", 2500);
  private static final long SEED = Long.getLong("xdpemu.fuzz.seed", 20261205L);

  @TempDir Path work;

  @Test
  void elfMutantsAreVerifiedOrRefusedNamingTheFile() throws IOException {
    List<byte[]> seeds = new ArrayList<>();
    for (Path o : exampleObjects()) {
      seeds.add(Files.readAllBytes(o));
    }
    check(
        new CliFuzzer.Target(
            "elf",
            ".o",
            seeds,
            false,
            (i, f) ->
                i % 4 == 3
                    ? new String[] {"disasm", f.toString()}
                    : new String[] {"verify", f.toString()}));
  }

  @Test
  void btfMutantsAreDumpedOrRefusedNamingTheFile() throws IOException {
    List<byte[]> seeds = new ArrayList<>();
    for (Path o : exampleObjects()) {
      ElfFile elf = ElfFile.parse(o.toString(), Files.readAllBytes(o));
      ElfSection btf = elf.sectionByName(".BTF");
      if (btf != null) {
        seeds.add(elf.contents(btf));
      }
    }
    seeds.add(bundledBase());
    check(
        new CliFuzzer.Target(
            "btf",
            ".btf",
            seeds,
            false,
            (i, f) ->
                i % 2 == 0
                    ? new String[] {"btf", "dump", f.toString()}
                    : new String[] {"btf", "dump", f.toString(), "--format", "c"}));
  }

  @Test
  void captureMutantsAreReplayedOrRefusedNamingTheFile() throws IOException {
    List<byte[]> seeds = new ArrayList<>();
    for (String name : new String[] {"ipv4-udp-256.pcap", "mixed-1k.pcap", "tunnels-200.pcap"}) {
      byte[] pcap = Files.readAllBytes(Path.of("..", "pcaps", name));
      byte[] small = SmallCaptures.firstPackets(pcap, 6);
      seeds.add(small);
      seeds.add(SmallCaptures.asPcapNg(small));
    }
    String prog = EXAMPLES.resolve("xdp_pass.o").toString();
    check(
        new CliFuzzer.Target(
            "pcap",
            ".pcap",
            seeds,
            false,
            (i, f) -> new String[] {"run", prog, "--pcap", f.toString(), "--engine", "interp"}));
  }

  @Test
  void firmwareMutantsCompileOrAreRefusedNamingTheFile() throws IOException {
    List<byte[]> seeds = new ArrayList<>();
    try (Stream<Path> s = Files.list(EXAMPLES.resolve("firmware"))) {
      for (Path p : s.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        seeds.add(Files.readAllBytes(p));
      }
    }
    Path base = work.resolve("base.btf");
    Files.write(base, bundledBase());
    Path btfOut = work.resolve("out.btf");
    Path headerOut = work.resolve("out.h");
    check(
        new CliFuzzer.Target(
            "firmware",
            ".json",
            seeds,
            true,
            (i, f) ->
                new String[] {
                  "firmware",
                  "compile",
                  f.toString(),
                  "--base",
                  base.toString(),
                  "--btf-out",
                  btfOut.toString(),
                  "--header-out",
                  headerOut.toString()
                }));
  }

  private void check(CliFuzzer.Target t) throws IOException {
    CliFuzzer.Report r = CliFuzzer.run(t, SEED, CASES, work.resolve(t.name()));
    System.out.println("fuzz " + r.line() + " (seed " + SEED + ")");
    assertTrue(
        r.failures().isEmpty(),
        r.line()
            + " (seed "
            + SEED
            + "; mutants kept under target/fuzz-failures)\n"
            + String.join("\n", r.failures().subList(0, Math.min(30, r.failures().size()))));
  }

  private static List<Path> exampleObjects() throws IOException {
    try (Stream<Path> s = Files.list(EXAMPLES)) {
      return s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
    }
  }

  private static byte[] bundledBase() throws IOException {
    try (InputStream in = BaseBtf.class.getResourceAsStream(BaseBtf.BUNDLED_RESOURCE)) {
      return in.readAllBytes();
    }
  }
}
