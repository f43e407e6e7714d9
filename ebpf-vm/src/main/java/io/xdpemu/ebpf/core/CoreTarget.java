package io.xdpemu.ebpf.core;

import io.xdpemu.ebpf.MalformedInputException;
import io.xdpemu.ebpf.btf.Btf;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The BTF that CO-RE relocates against: the kernel's (vmlinux) BTF, or a split BTF on top of it
 * (a NIC's metadata layout, {@code --btf FILE}); candidates are searched over all ids, base first,
 * which is libbpf's search of one standalone {@code btf_custom_path} made by merging the two.
 * Candidate lookup by essential name is indexed once per target (vmlinux has ~126k types).
 */
public final class CoreTarget {
  private final Btf btf;
  private volatile Map<String, int[]> byEssentialName;

  public CoreTarget(Btf btf) {
    this.btf = btf;
  }

  public Btf btf() {
    return btf;
  }

  /**
   * The target for {@code --btf FILE} (raw BTF or an ELF object's .BTF): a standalone BTF replaces
   * the base, as libbpf's {@code btf_custom_path} does; a split BTF (pahole {@code --btf_base
   * ... --btf_encode_detached}, a NIC's export) is stacked on {@code base}. A split file does not
   * parse standalone (its type ids and string offsets continue the base's), which tells them apart.
   */
  public static CoreTarget fromFile(Path file, Btf base) {
    try {
      return new CoreTarget(Btf.read(file));
    } catch (MalformedInputException standaloneFailure) {
      if (base == null) {
        throw standaloneFailure;
      }
      try {
        return new CoreTarget(Btf.read(file, base));
      } catch (MalformedInputException splitFailure) {
        splitFailure.addSuppressed(standaloneFailure);
        throw splitFailure;
      }
    }
  }

  /** Ids whose essential name is {@code essential}, ascending (bpf_core_add_cands order). */
  int[] candidates(String essential) {
    Map<String, int[]> index = byEssentialName;
    if (index == null) {
      synchronized (this) {
        index = byEssentialName;
        if (index == null) {
          index = build();
          byEssentialName = index;
        }
      }
    }
    return index.getOrDefault(essential, new int[0]);
  }

  private Map<String, int[]> build() {
    Map<String, List<Integer>> lists = new HashMap<>();
    for (int id = 1; id < btf.typeCount(); id++) {
      int off = btf.raw(id).nameOff();
      if (off == 0) {
        continue;
      }
      String name = btf.string(off);
      if (name.isEmpty()) {
        continue;
      }
      lists.computeIfAbsent(CoreTypes.essentialName(name), k -> new ArrayList<>(1)).add(id);
    }
    Map<String, int[]> out = new HashMap<>(lists.size() * 2);
    lists.forEach((k, v) -> out.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
    return out;
  }
}
