package io.xdpemu.ebpf.elf;

import io.xdpemu.ebpf.MalformedInputException;
import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfKind;
import io.xdpemu.ebpf.btf.BtfType;
import io.xdpemu.ebpf.maps.MapDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * BTF-defined maps in {@code .maps} (libbpf bpf_object__init_user_btf_maps / parse_btf_map_def):
 * the {@code .maps} DATASEC lists one VAR per map whose type is an anonymous struct; each member
 * encodes one attribute through its type, as bpf_helpers.h's macros spell it:
 *
 * <pre>
 * __uint(name, val)   int (*name)[val]    PTR -&gt; ARRAY, nelems = val
 * __type(name, T)     T *name             PTR -&gt; T (key/value: size and BTF id)
 * __array(name, T)    T *name[]           ARRAY(nelems 0) of PTR -&gt; T (inner map or prog proto)
 * </pre>
 *
 * Initial slots of a PROG_ARRAY or map-in-map come from the relocations of {@code .rel.maps}
 * (bpf_object__collect_map_relos): a relocation at {@code values[i]} names the program or map for
 * slot {@code i}.
 */
final class BtfMapReader {
  static final int PROG_ARRAY = 3, ARRAY_OF_MAPS = 12, HASH_OF_MAPS = 13;
  private static final int PTR_SIZE = 8;

  private final ElfFile elf;
  private final ElfSection section;
  private final Btf btf;

  private BtfMapReader(ElfFile elf, ElfSection section, Btf btf) {
    this.elf = elf;
    this.section = section;
    this.btf = btf;
  }

  /** Parses the object's own BTF, reporting a failure as malformed input of this object. */
  static Btf parseObjectBtf(ElfFile elf, byte[] btf) {
    if (btf == null) {
      return null;
    }
    try {
      return Btf.parse(btf);
    } catch (MalformedInputException e) {
      throw elf.fail("section .BTF: " + e.getMessage());
    }
  }

  static List<MapDefinition> read(ElfFile elf, ElfSection section, Btf btf) {
    if (btf == null) {
      throw elf.fail(
          section + ": BTF-defined maps need the object's .BTF section, which is missing");
    }
    try {
      return new BtfMapReader(elf, section, btf).read();
    } catch (IllegalArgumentException e) { // a type id outside the BTF
      throw elf.fail(section + ": " + e.getMessage());
    }
  }

  private record Placed(String name, long offset, long size, int structId) {}

  private List<MapDefinition> read() {
    BtfType.Datasec ds = (BtfType.Datasec) btf.findType(".maps", BtfKind.DATASEC);
    if (ds == null) {
      throw elf.fail(section + ": no DATASEC '.maps' in the object's BTF");
    }
    List<Placed> placed = new ArrayList<>();
    for (BtfType.VarSecinfo vs : ds.vars()) {
      BtfType v = btf.type(vs.type());
      if (!(v instanceof BtfType.Var)) {
        throw elf.fail(section + ": DATASEC entry [" + vs.type() + "] is not a VAR");
      }
      int def = btf.resolve(((BtfType.Var) v).type());
      if (!(btf.type(def) instanceof BtfType.Struct)) {
        throw elf.fail(section + ": map '" + v.name() + "' is not a struct");
      }
      // clang leaves DATASEC offsets 0; libbpf's btf_fixup_datasec takes them from the ELF
      // symbol of the same name (find_elf_var_sym).
      ElfSymbol sym = null;
      for (ElfSymbol s : elf.symbols()) {
        if (s.shndx() == section.index()
            && s.name().equals(v.name())
            && s.type() != ElfSymbol.STT_SECTION) {
          sym = s;
        }
      }
      if (sym == null) {
        throw elf.fail(section + ": map '" + v.name() + "' has no ELF symbol");
      }
      if (sym.value() < 0 || vs.size() < 0 || sym.value() + vs.size() > section.size()) {
        throw elf.fail(
            section
                + ": map '"
                + v.name()
                + "' at offset "
                + sym.value()
                + " size "
                + vs.size()
                + " lies outside the section");
      }
      placed.add(new Placed(v.name(), sym.value(), vs.size(), def));
    }
    Map<String, Map<Integer, String>> slots = slots(placed);
    List<MapDefinition> out = new ArrayList<>();
    for (Placed p : placed) {
      out.add(definition(p.name(), p.structId(), slots.get(p.name()), true));
    }
    return out;
  }

  private MapDefinition definition(
      String name, int structId, Map<Integer, String> initial, boolean outer) {
    BtfType.Struct st = (BtfType.Struct) btf.type(structId);
    int type = 0, keySize = 0, valueSize = 0, maxEntries = 0, flags = 0, pinning = 0;
    int keyId = 0, valueId = 0;
    boolean keySet = false, valueSet = false;
    MapDefinition inner = null;
    boolean hasValues = false;
    for (int i = 0; i < st.members().size(); i++) {
      BtfType.Member m = st.members().get(i);
      String what = "map '" + name + "' field '" + m.name() + "'";
      switch (m.name()) {
        case "type":
          type = uintField(m, what);
          break;
        case "max_entries":
          maxEntries = uintField(m, what);
          break;
        case "map_flags":
          flags = uintField(m, what);
          break;
        case "numa_node":
        case "map_extra":
          uintField(m, what); // accepted, no effect in the emulator
          break;
        case "key_size":
        case "value_size":
          {
            int sz = uintField(m, what);
            boolean key = m.name().equals("key_size");
            int prev = key ? keySize : valueSize;
            if ((key ? keySet : valueSet) && prev != sz) {
              throw elf.fail(section + ": " + what + ": conflicting size " + sz + " != " + prev);
            }
            if (key) {
              keySize = sz;
              keySet = true;
            } else {
              valueSize = sz;
              valueSet = true;
            }
            break;
          }
        case "key":
        case "value":
          {
            int target = pointee(m, what);
            long sz = btf.sizeOf(target);
            boolean key = m.name().equals("key");
            int prev = key ? keySize : valueSize;
            if ((key ? keySet : valueSet) && prev != sz) {
              throw elf.fail(section + ": " + what + ": conflicting size " + sz + " != " + prev);
            }
            if (key) {
              keySize = (int) sz;
              keyId = target;
              keySet = true;
            } else {
              valueSize = (int) sz;
              valueId = target;
              valueSet = true;
            }
            break;
          }
        case "values":
          {
            if (!outer) {
              throw elf.fail(section + ": " + what + ": nested map-in-map is not supported");
            }
            if (i != st.members().size() - 1) {
              throw elf.fail(section + ": " + what + ": '" + m.name() + "' must be the last field");
            }
            BtfType arr = btf.resolveType(m.type());
            if (!(arr instanceof BtfType.Array) || ((BtfType.Array) arr).nelems() != 0) {
              throw elf.fail(section + ": " + what + ": expected a zero-length array of pointers");
            }
            BtfType ptr = btf.resolveType(((BtfType.Array) arr).elemType());
            if (!(ptr instanceof BtfType.Ptr)) {
              throw elf.fail(section + ": " + what + ": expected an array of pointers");
            }
            int target = btf.resolve(((BtfType.Ptr) ptr).type());
            BtfType t = btf.type(target);
            hasValues = true;
            if (t instanceof BtfType.Struct) {
              inner = definition(name + ".inner", target, null, false);
            } else if (!(t instanceof BtfType.FuncProto)) {
              throw elf.fail(
                  section
                      + ": "
                      + what
                      + ": values must point to a map definition or a"
                      + " program prototype");
            }
            valueSize = 4;
            valueSet = true;
            break;
          }
        case "pinning":
          pinning = uintField(m, what);
          if (pinning != 0 && pinning != 1) { // LIBBPF_PIN_NONE, LIBBPF_PIN_BY_NAME
            throw elf.fail(section + ": " + what + ": unsupported pinning " + pinning);
          }
          break;
        default:
          // libbpf parse_btf_map_def with strict = true: "unknown field"
          throw elf.fail(section + ": map '" + name + "': unknown field '" + m.name() + "'");
      }
    }
    if (hasValues && type != PROG_ARRAY && type != ARRAY_OF_MAPS && type != HASH_OF_MAPS) {
      throw elf.fail(
          section
              + ": map '"
              + name
              + "': 'values' needs a PROG_ARRAY or map-in-map"
              + " type, not "
              + type);
    }
    if ((type == ARRAY_OF_MAPS || type == HASH_OF_MAPS) && inner == null) {
      throw elf.fail(section + ": map '" + name + "': map-in-map without an inner map template");
    }
    return new MapDefinition(
        name,
        type,
        keySize,
        valueSize,
        maxEntries,
        flags,
        keyId,
        valueId,
        pinning,
        null,
        inner,
        initial == null ? null : Map.copyOf(initial),
        false);
  }

  /** {@code __uint(name, val)}: {@code int (*name)[val]}, libbpf get_map_field_int. */
  private int uintField(BtfType.Member m, String what) {
    BtfType p = btf.resolveType(m.type());
    if (!(p instanceof BtfType.Ptr)) {
      throw elf.fail(section + ": " + what + ": expected __uint() (a pointer to an array)");
    }
    BtfType a = btf.type(((BtfType.Ptr) p).type());
    if (!(a instanceof BtfType.Array)) {
      throw elf.fail(section + ": " + what + ": expected __uint() (a pointer to an array)");
    }
    return ((BtfType.Array) a).nelems();
  }

  /** {@code __type(name, T)}: {@code T *name}. */
  private int pointee(BtfType.Member m, String what) {
    BtfType p = btf.resolveType(m.type());
    if (!(p instanceof BtfType.Ptr)) {
      throw elf.fail(section + ": " + what + ": expected __type() (a pointer)");
    }
    return ((BtfType.Ptr) p).type();
  }

  /** Slots from .rel.maps: relocation offset inside a map's 'values' array -> target name. */
  private Map<String, Map<Integer, String>> slots(List<Placed> placed) {
    Map<String, Map<Integer, String>> out = new TreeMap<>();
    for (ElfSection s : elf.sections()) {
      if (s.type() != ElfSection.SHT_REL || s.info() != section.index()) {
        continue;
      }
      for (ElfRelocation r : elf.relocations(s)) {
        Placed owner = null;
        for (Placed p : placed) {
          if (r.offset() >= p.offset() && r.offset() + PTR_SIZE <= p.offset() + p.size()) {
            owner = p;
          }
        }
        if (owner == null) {
          throw elf.fail(s + ": relocation at offset " + r.offset() + " is inside no map");
        }
        BtfType.Struct st = (BtfType.Struct) btf.type(owner.structId());
        BtfType.Member last =
            st.members().isEmpty() ? null : st.members().get(st.members().size() - 1);
        if (last == null || !last.name().equals("values")) {
          throw elf.fail(
              s
                  + ": relocation at offset "
                  + r.offset()
                  + " in map '"
                  + owner.name()
                  + "', which has no 'values'");
        }
        long rel = r.offset() - owner.offset() - last.byteOffset();
        if (rel < 0 || rel % PTR_SIZE != 0) {
          throw elf.fail(
              s
                  + ": relocation at offset "
                  + r.offset()
                  + " is not a 'values' slot of"
                  + " map '"
                  + owner.name()
                  + "'");
        }
        ElfSymbol sym = r.symbol();
        boolean isMap = sym.shndx() == section.index();
        boolean isProg = sym.type() == ElfSymbol.STT_FUNC && !sym.isUndefined();
        if (!isMap && !isProg) {
          throw elf.fail(
              s
                  + ": slot of map '"
                  + owner.name()
                  + "' refers to '"
                  + sym.name()
                  + "', neither a map nor a program");
        }
        out.computeIfAbsent(owner.name(), k -> new TreeMap<>())
            .put((int) (rel / PTR_SIZE), sym.name());
      }
    }
    return out;
  }
}
