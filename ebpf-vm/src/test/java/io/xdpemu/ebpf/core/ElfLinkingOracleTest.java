package io.xdpemu.ebpf.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.ebpf.elf.BpfObjectReader;
import io.xdpemu.ebpf.elf.ProgramSpec;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The ELF loader's linking (subprograms appended, calls and function addresses fixed, global data
 * and map loads, kfunc calls) against libbpf's: every program of every fixture libbpf 1.1 opens
 * must come out slot for slot as bpf_program__insns() after libbpf's relocation (the kernel load
 * itself is skipped: see the oracle's "reloc" mode). Legacy "maps" sections are refused by libbpf
 * >= 1.0 and are not compared.
 */
class ElfLinkingOracleTest {
  private static final String[] FIXTURES = {
    "programs.o", "callbacks.o", "btf_maps.o", "kfunc.o", "core_kinds.o"
  };

  @TestFactory
  Stream<DynamicTest> programsAreLinkedExactlyLikeLibbpf() throws Exception {
    Path dir = Host.scratch("elf-oracle");
    List<DynamicTest> tests = new ArrayList<>();
    for (String f : FIXTURES) {
      byte[] bytes;
      try (InputStream in = getClass().getResourceAsStream("/elf/" + f)) {
        bytes = in.readAllBytes();
      }
      Path file = dir.resolve(f);
      Files.write(file, bytes);
      BpfObject obj = BpfObjectReader.read(f, bytes);
      for (ProgramSpec p : obj.programs()) {
        tests.add(
            DynamicTest.dynamicTest(
                f + " " + p.name(),
                () -> {
                  // CO-RE against the object's own BTF is the identity; libbpf gets the same BTF
                  RelocatedProgram ours =
                      CoreRelocator.relocate(obj, new CoreTarget(obj.types()), p.name());
                  Host.OracleRun libbpf =
                      Host.oracleRelocationsOnly(
                          file, p.name(), f.startsWith("core_") ? file : null);
                  assertEquals(
                      List.of(),
                      OracleComparison.differences(ours.insns(), libbpf.insns()),
                      libbpf.log());
                }));
      }
    }
    return tests.stream();
  }

  /**
   * The same parity over objects this test did not write: the committed examples/*.o and the shared
   * verifier corpus (compiled here with clang -O2 -g -target bpf).
   */
  @TestFactory
  Stream<DynamicTest> foreignObjectsAreLinkedExactlyLikeLibbpf() throws Exception {
    List<Path> objects = new ArrayList<>();
    Path examples = Host.root().resolve("examples");
    if (Files.isDirectory(examples)) {
      try (Stream<Path> s = Files.list(examples)) {
        s.filter(p -> p.toString().endsWith(".o")).sorted().forEach(objects::add);
      }
    }
    String sharedProp = System.getProperty("xdpemu.shared");
    Path shared =
        sharedProp != null && !sharedProp.contains("${")
            ? Path.of(sharedProp)
            : Host.root().resolve("../shared");
    Path corpus = shared.resolve("verifier-corpus/src");
    if (Files.isDirectory(corpus)) {
      Host.needTool("clang");
      Path out = Host.scratch("corpus-objects");
      try (Stream<Path> s = Files.list(corpus)) {
        for (Path c : s.filter(p -> p.toString().endsWith(".c")).sorted().toList()) {
          Path o = out.resolve(c.getFileName().toString().replace(".c", ".o"));
          Host.run(
              List.of(
                  "clang",
                  "-O2",
                  "-g",
                  "-target",
                  "bpf",
                  "-I/usr/include/x86_64-linux-gnu",
                  "-c",
                  c.toString(),
                  "-o",
                  o.toString()));
          objects.add(o);
        }
      }
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : objects) {
      BpfObject obj = BpfObjectReader.read(file);
      for (ProgramSpec p : obj.programs()) {
        tests.add(
            DynamicTest.dynamicTest(
                file.getFileName() + " " + p.name(),
                () -> {
                  Host.OracleRun libbpf = Host.oracleRelocationsOnly(file, p.name(), null);
                  assertEquals(
                      List.of(),
                      OracleComparison.differences(p.insns(), libbpf.insns()),
                      libbpf.log());
                }));
      }
    }
    return tests.stream();
  }
}
