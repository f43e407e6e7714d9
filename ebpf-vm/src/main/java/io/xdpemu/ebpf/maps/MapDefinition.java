package io.xdpemu.ebpf.maps;

/**
 * A map as an object file declares it, before it exists: from a BTF-defined map in {@code .maps}, a
 * legacy {@code maps} section ({@code struct bpf_map_def} or iproute2's {@code struct
 * bpf_elf_map}), or a global-data section ({@code .data}, {@code .rodata}, {@code .bss}, {@code
 * .data.*}, {@code .rodata.*}) which libbpf turns into a one-element array map.
 *
 * @param name the map's name (the symbol, or the section name for global data)
 * @param type kernel {@code enum bpf_map_type} value (BPF_MAP_TYPE_ARRAY = 2, ...)
 * @param keyBtfId key type id in the object's BTF, 0 when unknown
 * @param valueBtfId value type id in the object's BTF, 0 when unknown
 * @param initialData initial value bytes (global data, or null)
 * @param inner inner map template for map-in-map types, or null
 * @param initialSlots for PROG_ARRAY and map-in-map: slot index to program/map name, or null
 * @param readOnly true for .rodata (frozen after load, as libbpf does)
 */
public record MapDefinition(
    String name,
    int type,
    int keySize,
    int valueSize,
    int maxEntries,
    int flags,
    int keyBtfId,
    int valueBtfId,
    int pinning,
    byte[] initialData,
    MapDefinition inner,
    java.util.Map<Integer, String> initialSlots,
    boolean readOnly) {

  /** This definition with {@code n} entries (what bpf_map__set_max_entries does before load). */
  public MapDefinition withMaxEntries(int n) {
    return new MapDefinition(
        name,
        type,
        keySize,
        valueSize,
        n,
        flags,
        keyBtfId,
        valueBtfId,
        pinning,
        initialData,
        inner,
        initialSlots,
        readOnly);
  }
}
