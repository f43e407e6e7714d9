package io.xdpemu.oracle;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The content of one kernel map, read with BPF_MAP_LOOKUP_BATCH (or BPF_MAP_GET_NEXT_KEY and
 * BPF_MAP_LOOKUP_ELEM where the map type has no batch operations).
 *
 * @param name the name xdpemu uses: the map's name, or for global data the section name ({@code
 *     .bss}, {@code .data}, {@code .rodata}) without libbpf's object-name prefix
 * @param kernelName the name libbpf gave the map ({@code xdp_coun.bss} for a global data map)
 * @param type libbpf's name of the map type ({@code hash}, {@code array}, {@code percpu_hash}...)
 * @param ncpus the number of per-CPU values of each entry; 0 for a map that is not per-CPU
 * @param entries in the kernel's iteration order (bucket order for hash maps)
 */
public record MapContents(
    String name,
    String kernelName,
    String type,
    int keySize,
    int valueSize,
    int maxEntries,
    int ncpus,
    List<Entry> entries) {

  public MapContents {
    entries = List.copyOf(entries);
  }

  /** True for per-CPU maps: each entry holds one value per possible CPU. */
  public boolean perCpu() {
    return ncpus > 0;
  }

  /**
   * One key and its value; per-CPU maps have one value per possible CPU, others exactly one. Arrays
   * are copied in and out: the record is immutable.
   */
  public record Entry(byte[] key, List<byte[]> values) {
    public Entry {
      key = key.clone();
      values = values.stream().map(byte[]::clone).toList();
    }

    @Override
    public byte[] key() {
      return key.clone();
    }

    @Override
    public List<byte[]> values() {
      return values.stream().map(byte[]::clone).toList();
    }

    /** The value of a map that is not per-CPU. */
    public byte[] value() {
      return values.get(0).clone();
    }

    public String keyHex() {
      return HexFormat.of().formatHex(key);
    }

    /** The value(s) in hex, per-CPU values separated by commas. */
    public String valueHex() {
      HexFormat hex = HexFormat.of();
      return String.join(",", values.stream().map(hex::formatHex).toList());
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Entry e) || !Arrays.equals(key, e.key)) {
        return false;
      }
      if (values.size() != e.values.size()) {
        return false;
      }
      for (int i = 0; i < values.size(); i++) {
        if (!Arrays.equals(values.get(i), e.values.get(i))) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(key) + valueHex().hashCode();
    }

    @Override
    public String toString() {
      return keyHex() + "=" + valueHex();
    }
  }
}
