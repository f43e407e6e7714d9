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
 * must come out slot for slot as bpf_program__insns() after bpf_object__load. (Legacy "maps"
 * sections are refused by libbpf >= 1.0 and are not compared.)
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
        tests.add(DynamicTest.dynamicTest(f + " " + p.name(), () -> {
          // CO-RE against the object's own BTF is the identity; libbpf gets the same BTF
          RelocatedProgram ours = CoreRelocator.relocate(obj, new CoreTarget(obj.types()),
              p.name());
          Host.OracleRun libbpf = Host.oracle(file, p.name(), f.startsWith("core_") ? file
              : null, true);
          assertEquals(List.of(), OracleComparison.differences(ours.insns(), libbpf.insns()),
              libbpf.log());
        }));
      }
    }
    return tests.stream();
  }
}
