package io.xdpemu.ebpf.core;

import io.xdpemu.ebpf.btf.Btf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The BTF that CO-RE relocates against: the kernel's (vmlinux) BTF, or a split BTF on top of it (a
 * NIC's metadata layout, {@code --btf FILE}; which one a load uses is decided by the runtime's
 * TargetBtf, and a file is read by {@link Btf#readStandaloneOrSplit}); candidates are searched over
 * all ids, base first, which is libbpf's search of one standalone {@code btf_custom_path} made by
 * merging the two. Candidate lookup by essential name is indexed once per BTF object (vmlinux has
 * ~126k types) and shared by every target built on it.
 */
public final class CoreTarget {
  private final Btf btf;

  public CoreTarget(Btf btf) {
    this.btf = btf;
  }

  public Btf btf() {
    return btf;
  }

  /** Ids whose essential name is {@code essential}, ascending (bpf_core_add_cands order). */
  int[] candidates(String essential) {
    return candidates(btf, essential);
  }

  /** Base levels first: ids ascend across levels, so concatenation keeps libbpf's order. */
  private static int[] candidates(Btf b, String essential) {
    int[] own = ownIndex(b).getOrDefault(essential, NONE);
    if (b.base() == null) {
      return own;
    }
    int[] below = candidates(b.base(), essential);
    if (own.length == 0) {
      return below;
    }
    int[] all = Arrays.copyOf(below, below.length + own.length);
    System.arraycopy(own, 0, all, below.length, own.length);
    return all;
  }

  private static final int[] NONE = new int[0];

  /**
   * Per-BTF-object indexes of each level's own types, shared by every target over the same objects:
   * relocating again after a firmware swap only indexes the new split BTF, not the ~126k types of
   * vmlinux.
   */
  private static final Map<Btf, Map<String, int[]>> OWN_INDEX = new WeakHashMap<>();

  private static Map<String, int[]> ownIndex(Btf b) {
    synchronized (OWN_INDEX) {
      Map<String, int[]> idx = OWN_INDEX.get(b);
      if (idx == null) {
        idx = build(b);
        OWN_INDEX.put(b, idx);
      }
      return idx;
    }
  }

  private static Map<String, int[]> build(Btf b) {
    Map<String, List<Integer>> lists = new HashMap<>();
    for (int id = b.firstId(); id < b.typeCount(); id++) {
      int off = b.raw(id).nameOff();
      if (off == 0) {
        continue;
      }
      String name = b.string(off);
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
