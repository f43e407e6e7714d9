package io.xdpemu.ebpf.elf;

import io.xdpemu.ebpf.maps.MapDefinition;
import java.util.List;

/** BTF-defined maps in {@code .maps} (libbpf bpf_object__init_user_btf_maps). */
final class BtfMapReader {
  private BtfMapReader() {}

  static List<MapDefinition> read(ElfFile elf, ElfSection section, byte[] btf) {
    throw elf.fail(section + ": BTF-defined maps are not supported yet");
  }
}
