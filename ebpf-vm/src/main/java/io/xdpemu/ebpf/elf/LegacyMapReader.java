package io.xdpemu.ebpf.elf;

import io.xdpemu.ebpf.maps.MapDefinition;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Map definitions in the legacy {@code maps} section: one symbol per map, all the same size (the
 * section size divided by the number of symbols, as libbpf before 1.0 computed it in
 * bpf_object__init_user_maps). Two layouts exist:
 *
 * <pre>
 * struct bpf_map_def (samples/bpf, libbpf &lt; 1.0)   struct bpf_elf_map (iproute2, bpf_elf.h)
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
 *
 * <p>Map in map, as iproute2's lib/bpf_legacy.c builds it (bpf_maps_attach_all): an outer map
 * (ARRAY_OF_MAPS, HASH_OF_MAPS) names its inner template by {@code inner_id} = the template's
 * {@code id}; an inner map with an {@code id}, no {@code inner_id} and {@code inner_idx != -1} is
 * inserted at key {@code inner_idx} of every outer map whose {@code inner_id} is its {@code id}.
 * samples/bpf's layout names the template by index ({@code inner_map_idx}). {@code pinning}:
 * PIN_NONE (0), PIN_OBJECT_NS (1) and PIN_GLOBAL_NS (2) give a fresh map here, as iproute2's first
 * load does (xdpemu never pins on the host); other values name iproute2's custom pinning file and
 * only produce a warning.
 */
final class LegacyMapReader {
  private LegacyMapReader() {}

  static final int ARRAY_OF_MAPS = 12;
  static final int HASH_OF_MAPS = 13;
  private static final int PIN_GLOBAL_NS = 2;
  private static final int NO_INNER_IDX = -1;

  /** One definition as read, before map-in-map templates are resolved. */
  private record Raw(ElfSymbol sym, int[] f, boolean elfMap) {
    int id() {
      return elfMap ? f[5] : 0;
    }

    int innerId() {
      return elfMap && f.length > 7 ? f[7] : 0;
    }

    int innerIdx() {
      return elfMap && f.length > 8 ? f[8] : NO_INNER_IDX;
    }

    boolean isOuter() {
      return f[0] == ARRAY_OF_MAPS || f[0] == HASH_OF_MAPS;
    }
  }

  static List<MapDefinition> read(
      ElfFile elf, ElfSection section, boolean samplesLayout, List<String> warnings) {
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
    List<Raw> raws = new ArrayList<>();
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
      raws.add(new Raw(s, f, elfMap));
    }
    List<MapDefinition> out = new ArrayList<>();
    for (Raw r : raws) {
      int pinning = r.elfMap() ? r.f()[6] : 0;
      if (Integer.compareUnsigned(pinning, PIN_GLOBAL_NS) > 0) {
        warnings.add(
            section
                + ": map '"
                + r.sym().name()
                + "' has pinning "
                + Integer.toUnsignedString(pinning)
                + " (an iproute2 custom pinning path, not modelled): the map starts empty and"
                + " nothing is pinned");
      }
      MapDefinition inner = r.isOuter() ? template(elf, section, raws, r) : null;
      out.add(
          new MapDefinition(
              r.sym().name(),
              r.f()[0],
              r.f()[1],
              r.f()[2],
              r.f()[3],
              r.f()[4],
              0,
              0,
              pinning,
              null,
              inner,
              r.isOuter() ? slots(raws, r) : null,
              false));
    }
    return out;
  }

  /** The inner map template of outer map {@code outer}, or null when it names none. */
  private static MapDefinition template(
      ElfFile elf, ElfSection section, List<Raw> raws, Raw outer) {
    Raw t = null;
    if (outer.elfMap()) {
      if (outer.innerId() == 0) {
        // bpf_map_attach: "Map '%s' cannot be created since no inner map ID defined!"
        throw elf.fail(
            section + ": map '" + outer.sym().name() + "' is a map in map without inner_id");
      }
      for (Raw r : raws) {
        if (r != outer && r.id() == outer.innerId()) {
          t = r;
          break;
        }
      }
      if (t == null) {
        throw elf.fail(
            section
                + ": map '"
                + outer.sym().name()
                + "': inner map with id "
                + Integer.toUnsignedString(outer.innerId())
                + " not found");
      }
    } else if (outer.f().length > 5) {
      int idx = outer.f()[5];
      if (idx < 0 || idx >= raws.size()) {
        throw elf.fail(
            section + ": map '" + outer.sym().name() + "': inner_map_idx " + idx + " is no map");
      }
      t = raws.get(idx);
      if (t == outer) {
        return null; // no template given (the field left 0 on the first map)
      }
    } else {
      return null;
    }
    int[] f = t.f();
    return new MapDefinition(
        t.sym().name(), f[0], f[1], f[2], f[3], f[4], 0, 0, 0, null, null, null, false);
  }

  /** Inner maps iproute2 inserts into {@code outer}: slot inner_idx = the inner map's name. */
  private static Map<Integer, String> slots(List<Raw> raws, Raw outer) {
    if (!outer.elfMap() || outer.innerId() == 0) {
      return null;
    }
    Map<Integer, String> slots = new TreeMap<>();
    for (Raw r : raws) {
      if (r.id() != 0
          && r.innerId() == 0
          && r.innerIdx() != NO_INNER_IDX
          && r.id() == outer.innerId()) {
        slots.put(r.innerIdx(), r.sym().name());
      }
    }
    return slots.isEmpty() ? null : slots;
  }
}
