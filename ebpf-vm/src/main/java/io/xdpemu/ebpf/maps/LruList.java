package io.xdpemu.ebpf.maps;

/**
 * The kernel's common LRU (kernel/bpf/bpf_lru_list.c) over the element slots of an LRU hash map,
 * reproduced list for list so that evictions happen when and where the kernel's do:
 *
 * <pre>
 *  global:   ACTIVE  INACTIVE  FREE          (nodes move to a list's head; scans start at the tail)
 *  per CPU:  LOCAL_FREE  LOCAL_PENDING       (a CPU takes free nodes in batches of target_free)
 * </pre>
 *
 * A new element takes a node from its CPU's local free list; when that is empty the CPU flushes its
 * pending nodes to the global lists (referenced ones to ACTIVE), rotates the lists, moves up to
 * {@code target_free = clamp(nodes / cpus / 2, 1, 128)} global free nodes to itself and, if short,
 * shrinks the INACTIVE list from the tail (referenced nodes get a second chance on ACTIVE, the
 * others are deleted from the hash table), forcing one eviction when nothing else works; as a last
 * resort it steals a free or pending node from the CPUs in turn. So a full map evicts up to
 * target_free elements at once, which is what the kernel's LRU maps do. Nodes are ints (slot
 * numbers); the lists are arrays of prev/next links with one sentinel per list. Callers hold the
 * map's lock.
 */
final class LruList {
  /**
   * Whether a node is still in the hash table; removes it when it is (htab_lru_map_delete_node).
   */
  interface Evictor {
    boolean delete(int node);
  }

  static final int ACTIVE = 0;
  static final int INACTIVE = 1;
  static final int FREE = 2;
  static final int LOCAL_FREE = 3;
  static final int LOCAL_PENDING = 4;
  static final int LOCAL_FREE_TARGET = 128;
  static final int NR_SCANS = LOCAL_FREE_TARGET;

  private final int n;
  private final int cpus;
  private final int[] prev;
  private final int[] next;
  private final int[] type;
  private final int[] owner;
  private final byte[] ref;
  private final int[] counts = new int[2];
  private final int[] nextSteal;
  private final int targetFree;
  private final Evictor evictor;
  private int nextInactiveRotation;

  LruList(int nodes, int cpus, Evictor evictor) {
    this.n = nodes;
    this.cpus = cpus;
    this.evictor = evictor;
    long links = (long) nodes + 3 + 2L * cpus;
    if (links > Integer.MAX_VALUE - 8) { // as a heap too small for the lists: MapFactory names it
      throw new OutOfMemoryError("LRU lists of " + nodes + " nodes exceed the largest Java array");
    }
    int total = (int) links;
    prev = new int[total];
    next = new int[total];
    type = new int[nodes];
    owner = new int[nodes];
    ref = new byte[nodes];
    for (int h = nodes; h < total; h++) {
      prev[h] = h;
      next[h] = h;
    }
    nextSteal = new int[cpus];
    for (int c = 0; c < cpus; c++) {
      nextSteal[c] = c;
    }
    // bpf_common_lru_populate(): every node on the global free list, in slot order at the head.
    for (int i = 0; i < nodes; i++) {
      type[i] = FREE;
      add(i, head(FREE));
    }
    targetFree = Math.max(1, Math.min(nodes / cpus / 2, LOCAL_FREE_TARGET));
    nextInactiveRotation = head(INACTIVE);
  }

  private int head(int list) {
    return n + list;
  }

  private int localFree(int cpu) {
    return n + 3 + 2 * cpu;
  }

  private int localPending(int cpu) {
    return n + 4 + 2 * cpu;
  }

  private void unlink(int x) {
    next[prev[x]] = next[x];
    prev[next[x]] = prev[x];
  }

  /** list_add(): insert after the head. */
  private void add(int x, int h) {
    prev[x] = h;
    next[x] = next[h];
    prev[next[h]] = x;
    next[h] = x;
  }

  private void moveToHead(int x, int h) {
    unlink(x);
    add(x, h);
  }

  /** bpf_lru_node_set_ref(): a use of the element (program lookups, replacements). */
  void setRef(int node) {
    if (ref[node] == 0) {
      ref[node] = 1;
    }
  }

  /** __bpf_lru_node_move(): to the head of a global list, reference cleared. */
  private void move(int node, int tgt) {
    if (type[node] != tgt) {
      if (type[node] < 2) {
        counts[type[node]]--;
      }
      if (tgt < 2) {
        counts[tgt]++;
      }
      type[node] = tgt;
    }
    if (node == nextInactiveRotation) {
      nextInactiveRotation = prev[nextInactiveRotation];
    }
    ref[node] = 0;
    moveToHead(node, head(tgt));
  }

  /** __bpf_lru_node_move_in(): a pending node enters a global list. */
  private void moveIn(int node, int tgt) {
    if (tgt < 2) {
      counts[tgt]++;
    }
    type[node] = tgt;
    ref[node] = 0;
    moveToHead(node, head(tgt));
  }

  /** __bpf_lru_node_move_to_free(): onto a (local) free list. */
  private void moveToFree(int node, int freeList, int tgtType) {
    if (node == nextInactiveRotation) {
      nextInactiveRotation = prev[nextInactiveRotation];
    }
    if (type[node] < 2) {
      counts[type[node]]--;
    }
    type[node] = tgtType;
    moveToHead(node, freeList);
  }

  /** bpf_common_lru_pop_free(): a node for a new element on {@code cpu}, or -1. */
  int popFree(int cpu) {
    int node = popLocalFree(cpu);
    if (node < 0) {
      popFreeToLocal(cpu);
      node = popLocalFree(cpu);
    }
    if (node >= 0) {
      addPending(cpu, node);
      return node;
    }
    int first = nextSteal[cpu];
    int steal = first;
    do {
      node = popLocalFree(steal);
      if (node < 0) {
        node = popPending(steal);
      }
      steal = (steal + 1) % cpus;
    } while (node < 0 && steal != first);
    nextSteal[cpu] = steal;
    if (node >= 0) {
      addPending(cpu, node);
    }
    return node;
  }

  /** bpf_lru_push_free(): a deleted or replaced element's node becomes free again. */
  void pushFree(int node) {
    if (type[node] == FREE || type[node] == LOCAL_FREE) {
      return;
    }
    if (type[node] == LOCAL_PENDING) {
      type[node] = LOCAL_FREE;
      ref[node] = 0;
      moveToHead(node, localFree(owner[node]));
      return;
    }
    move(node, FREE);
  }

  private int popLocalFree(int cpu) {
    int h = localFree(cpu);
    int x = next[h];
    if (x == h) {
      return -1;
    }
    unlink(x);
    return x;
  }

  private void addPending(int cpu, int node) {
    owner[node] = cpu;
    type[node] = LOCAL_PENDING;
    ref[node] = 0;
    add(node, localPending(cpu));
  }

  /** __local_list_pop_pending(): the oldest unreferenced pending node, then any. */
  private int popPending(int cpu) {
    int h = localPending(cpu);
    for (int pass = 0; pass < 2; pass++) {
      for (int x = prev[h]; x != h; x = prev[x]) {
        if ((ref[x] == 0 || pass == 1) && evictor.delete(x)) {
          unlink(x);
          return x;
        }
      }
    }
    return -1;
  }

  /** bpf_lru_list_pop_free_to_local(). */
  private void popFreeToLocal(int cpu) {
    // __local_list_flush(): pending nodes, oldest first, into ACTIVE (referenced) or INACTIVE.
    int ph = localPending(cpu);
    for (int x = prev[ph]; x != ph; ) {
      int p = prev[x];
      moveIn(x, ref[x] != 0 ? ACTIVE : INACTIVE);
      x = p;
    }
    rotate();
    int nfree = 0;
    int fh = head(FREE);
    for (int x = next[fh]; x != fh && nfree < targetFree; ) {
      int nx = next[x];
      moveToFree(x, localFree(cpu), LOCAL_FREE);
      nfree++;
      x = nx;
    }
    if (nfree < targetFree) {
      shrink(targetFree - nfree, localFree(cpu));
    }
  }

  private void rotate() {
    if (counts[INACTIVE] < counts[ACTIVE]) {
      rotateActive();
    }
    rotateInactive();
  }

  private void rotateActive() {
    int h = head(ACTIVE);
    int first = next[h];
    int i = 0;
    for (int x = prev[h]; x != h; ) {
      int p = prev[x];
      move(x, ref[x] != 0 ? ACTIVE : INACTIVE);
      if (++i == NR_SCANS || x == first) {
        break;
      }
      x = p;
    }
  }

  private void rotateInactive() {
    int h = head(INACTIVE);
    if (next[h] == h) {
      return;
    }
    int last = next[nextInactiveRotation];
    if (last == h) {
      last = next[last];
    }
    int cur = nextInactiveRotation;
    int nx = cur;
    int i = 0;
    while (i < NR_SCANS) {
      if (cur == h) {
        cur = prev[cur];
        continue;
      }
      nx = prev[cur];
      if (ref[cur] != 0) {
        move(cur, ACTIVE);
      }
      if (cur == last) {
        break;
      }
      cur = nx;
      i++;
    }
    nextInactiveRotation = nx;
  }

  /** __bpf_lru_list_shrink(). */
  private void shrink(int target, int freeList) {
    int h = head(INACTIVE);
    int shrunk = 0;
    int i = 0;
    for (int x = prev[h]; x != h; ) {
      int p = prev[x];
      if (ref[x] != 0) {
        move(x, ACTIVE);
      } else if (evictor.delete(x)) {
        moveToFree(x, freeList, LOCAL_FREE);
        if (++shrunk == target) {
          break;
        }
      }
      if (++i == NR_SCANS) {
        break;
      }
      x = p;
    }
    if (shrunk > 0) {
      return;
    }
    int fh = next[h] != h ? h : head(ACTIVE);
    for (int x = prev[fh]; x != fh; x = prev[x]) {
      if (evictor.delete(x)) {
        moveToFree(x, freeList, LOCAL_FREE);
        return;
      }
    }
  }
}
