package io.xdpemu.ebpf.elf;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfExt;
import io.xdpemu.ebpf.maps.MapDefinition;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Everything a BPF ELF object declares: its programs (subprograms appended), its maps (user maps
 * first, then global data, libbpf's order; {@code ld_imm64} instructions refer to them by index),
 * the license, the raw {@code .BTF} / {@code .BTF.ext} sections and their parsed forms {@code
 * types} / {@code ext} (null when absent). {@code globalOffsets}: for each global-data section, its
 * variables' offsets from the ELF symbols - clang leaves DATASEC offsets 0 and libbpf's
 * btf_fixup_datasec fills them in from there; {@link #datasecOffsets()} answers with them. {@code
 * warnings}: what the object asks for that xdpemu does not model but can load without (one line
 * each, for the user).
 */
public record BpfObject(
    String fileName,
    List<ProgramSpec> programs,
    List<MapDefinition> maps,
    String license,
    int kernelVersion,
    byte[] btf,
    byte[] btfExt,
    Btf types,
    BtfExt ext,
    java.util.Map<String, java.util.Map<String, Integer>> globalOffsets,
    List<String> warnings) {

  /** Where each variable of a global-data DATASEC lies (btf_fixup_datasec's answer). */
  public io.xdpemu.ebpf.btf.BtfValueDecoder.DatasecOffsets datasecOffsets() {
    return (section, variable, btfOffset) -> {
      java.util.Map<String, Integer> vars = globalOffsets.get(section);
      Integer at = vars == null ? null : vars.get(variable);
      return at == null ? btfOffset : at;
    };
  }

  /**
   * The program called {@code nameOrSection} (function name first, then section name: the first
   * program of that section), or, when null, the first program in an XDP section (else the first
   * program). A program chosen by name is returned whatever its section, so that the caller can
   * load it as XDP the way {@code bpftool prog load ... type xdp} does.
   */
  public ProgramSpec program(String nameOrSection) {
    if (programs.isEmpty()) {
      throw new UsageException(fileName + ": the object contains no programs");
    }
    if (nameOrSection == null) {
      return programs.stream()
          .filter(ProgramSpec::isXdpSection)
          .findFirst()
          .orElse(programs.get(0));
    }
    for (ProgramSpec p : programs) {
      if (p.name().equals(nameOrSection)) {
        return p;
      }
    }
    for (ProgramSpec p : programs) {
      if (p.section().equals(nameOrSection)) {
        return p;
      }
    }
    throw new UsageException(
        fileName
            + ": no program named '"
            + nameOrSection
            + "' (programs: "
            + programs.stream()
                .map(p -> p.name() + " in " + p.section())
                .collect(Collectors.joining(", "))
            + ")");
  }

  /** The map called {@code name}, or null. */
  public MapDefinition map(String name) {
    for (MapDefinition m : maps) {
      if (m.name().equals(name)) {
        return m;
      }
    }
    return null;
  }
}
