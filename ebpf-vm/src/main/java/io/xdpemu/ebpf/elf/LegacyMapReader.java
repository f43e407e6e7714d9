package io.xdpemu.ebpf.elf;

import io.xdpemu.ebpf.maps.MapDefinition;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Map definitions in the legacy {@code maps} section: one symbol per map, all the same size (the
 * section size divided by the number of symbols, as libbpf before 1.0 computed it in
 * bpf_object__init_user_maps). Two layouts exist:
 *
 * <pre>
 * struct bpf_map_def (samples/bpf, libbpf &lt; 1.0)   struct bpf_elf_map (iproute2)
 *   u32 type                                       u32 type
 *   u32 key_size                                   u32 size_key
 *   u32 value_size                                 u32 size_value
 *   u32 max_entries                                u32 max_elem
 *   u32 map_flags                                  u32 flags
 *  [u32 inner_map_idx, u32 numa_node]              u32 id
 *                                                  u32 pinning
 *                                                 [u32 inner_id, u32 inner_idx]
 * </pre>
 *
 * A 20-byte definition is {@code bpf_map_def}. Larger ones are {@code bpf_elf_map} unless the
 * caller knows (from BTF member names) that the object uses the samples layout; bytes past the
 * known fields must be zero, as libbpf required.
 */
final class LegacyMapReader {
  private LegacyMapReader() {}

  static List<MapDefinition> read(ElfFile elf, ElfSection section, boolean samplesLayout) {
    List<ElfSymbol> syms = new ArrayList<>();
    for (ElfSymbol s : elf.symbols()) {
      if (s.shndx() == section.index()
          && s.type() != ElfSymbol.STT_SECTION
          && s.bind() != ElfSymbol.STB_LOCAL) {
        syms.add(s);
      }
    }
    syms.sort(Comparator.comparingLong(ElfSymbol::value));
    if (syms.isEmpty()) {
      return List.of();
    }
    byte[] data = elf.contents(section);
    long defSize = data.length / syms.size();
    if (defSize < 20 || defSize % 4 != 0 || defSize * syms.size() != data.length) {
      throw elf.fail(
          section
              + ": "
              + data.length
              + " bytes for "
              + syms.size()
              + " map definitions is not a whole number of 4-byte-aligned definitions >= 20 bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    List<MapDefinition> out = new ArrayList<>();
    for (ElfSymbol s : syms) {
      if (s.value() % defSize != 0 || s.value() + defSize > data.length) {
        throw elf.fail(
            section
                + ": map '"
                + s.name()
                + "' at offset "
                + s.value()
                + " is not on a definition boundary (definition size "
                + defSize
                + ")");
      }
      int at = (int) s.value();
      int[] f = new int[(int) (defSize / 4)];
      for (int i = 0; i < f.length; i++) {
        f[i] = b.getInt(at + 4 * i);
      }
      boolean elfMap = defSize > 20 && !samplesLayout;
      int known = elfMap ? Math.min(f.length, 9) : Math.min(f.length, 7);
      for (int i = known; i < f.length; i++) {
        if (f[i] != 0) {
          throw elf.fail(
              section
                  + ": map '"
                  + s.name()
                  + "' has unknown non-zero field at offset "
                  + (at + 4 * i));
        }
      }
      int pinning = elfMap ? f[6] : 0;
      out.add(
          new MapDefinition(
              s.name(), f[0], f[1], f[2], f[3], f[4], 0, 0, pinning, null, null, null, false));
    }
    return out;
  }
}
