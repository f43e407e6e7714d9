package io.xdpemu.ebpf.maps;

import io.xdpemu.ebpf.ProgramRejectedException;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * BPF_MAP_TYPE_HASH, PERCPU_HASH, LRU_HASH and LRU_PERCPU_HASH (kernel/bpf/hashtab.c).
 *
 * <p>Lookups are lock-free (a {@link HashIndex} from key bytes to slot); updates and deletes
 * serialise on the map, as the kernel's bucket locks serialise writers of one bucket. As in
 * htab_map_update_elem(), replacing an element of a (non-per-CPU) hash allocates a new element,
 * fills it, publishes it and frees the old one, so a program holding a pointer to the old value
 * keeps valid memory that is later reused; per-CPU maps and BPF_F_LOCK updates write in place. One
 * spare slot plays the role of the kernel's per-CPU extra elements, so replacing a key in a full
 * map succeeds.
 *
 * <p>LRU maps never fail with -E2BIG: their elements are the nodes of an {@link LruList}, the
 * kernel's common LRU reproduced exactly, so a full map evicts when and what the kernel evicts (up
 * to target_free elements at once, unreferenced ones from the inactive tail first). Lookups from
 * programs set the node's reference bit (htab_lru_map_lookup_elem); host lookups do not
 * (htab_lru_map_lookup_elem_sys). As htab_lru_map_update_elem() does, an update takes a free node
 * before it looks at the key, so it may evict even when the key exists or the flags then fail; the
 * per-CPU variant skips that for BPF_EXIST. The host's updates run as CPU 0. BPF_F_NO_COMMON_LRU
 * (per-CPU LRU lists) is emulated with the common LRU.
 */
public final class HashTableMap extends BpfMap {
  private final boolean lru;
  private final SlotStore values;
  private final SlotStore keys;
  private final HashIndex index;
  private final LruList lruList;
  private final boolean perCpu;
  private int count;

  HashTableMap(MapDefinition def, int cpus, RegionRegistry regions) {
    super(def, cpus, regions);
    int t = def.type();
    this.lru = t == MapType.LRU_HASH || t == MapType.LRU_PERCPU_HASH;
    if (def.keySize() <= 0 || def.valueSize() <= 0 || def.maxEntries() <= 0) {
      throw new ProgramRejectedException(
          "map '" + def.name() + "': hash needs key_size, value_size and max_entries > 0");
    }
    int capacity = def.maxEntries() + (lru ? 0 : 1);
    boolean rdonly = (def.flags() & BPF_F_RDONLY_PROG) != 0;
    this.values =
        new SlotStore(def.name(), def.valueSize(), capacity, perCpu() ? cpus : 1, rdonly, regions);
    this.keys = new SlotStore(def.name() + ".keys", def.keySize(), capacity, 1, true, regions);
    this.index = new HashIndex(keys, def.keySize());
    this.perCpu = perCpu();
    this.lruList = lru ? new LruList(capacity, perCpu() ? cpus : cpus, this::evictNode) : null;
  }

  public boolean isLru() {
    return lru;
  }

  /** Number of elements present. */
  public synchronized int size() {
    return count;
  }

  @Override
  public long lookupFromProgram(ExecutionContext ctx, byte[] key) {
    return lookupInPlace(ctx, key, 0);
  }

  @Override
  public long lookupInPlace(ExecutionContext ctx, byte[] b, int off) {
    int slot = index.find(b, off); // the key read in place: nothing allocated per packet
    if (slot < 0) {
      return 0;
    }
    if (lru) {
      lruList.setRef(slot); // a racy byte store, as the kernel's lockless bpf_lru_node_set_ref()
    }
    return values.pointer(ctx, perCpu ? values.cpuOf(ctx) : 0, slot);
  }

  /** Pointer to the key stored with an element (for bpf_for_each_map_elem callbacks). */
  long keyPointer(ExecutionContext ctx, int slot) {
    return keys.pointer(ctx, 0, slot);
  }

  @Override
  public long updateFromProgram(ExecutionContext ctx, byte[] key, byte[] value, long flags) {
    return updateInPlace(ctx, key, 0, value, 0, flags);
  }

  @Override
  public long updateInPlace(
      ExecutionContext ctx, byte[] kb, int ko, byte[] vb, int vo, long flags) {
    if (perCpu) {
      int cpu = values.cpuOf(ctx);
      return doUpdate(kb, ko, null, vb, vo, cpu, flags, cpu);
    }
    return doUpdate(kb, ko, null, vb, vo, 0, flags, lru ? lruCpu(ctx) : 0);
  }

  @Override
  public long deleteFromProgram(ExecutionContext ctx, byte[] key) {
    return delete(key);
  }

  @Override
  public int updatePerCpu(byte[] key, byte[][] vals, long flags) {
    if (!keyOk(key) || !valueOk(vals)) {
      return -Errno.EINVAL;
    }
    return doUpdate(key, 0, vals, null, 0, -1, flags, 0);
  }

  private int lruCpu(ExecutionContext ctx) {
    return ctx.cpu >= 0 && ctx.cpu < cpus ? ctx.cpu : 0;
  }

  /**
   * One update of the key {@code kb[ko, ko + keySize())}. Either {@code all} (the host's: one value
   * per CPU, or one for a shared map) or {@code one[oneOff, oneOff + valueSize())} for CPU {@code
   * cpu} (a program's; for a per-CPU map the other CPUs of a new element are zero, as
   * pcpu_init_value() does).
   */
  private int doUpdate(
      byte[] kb, int ko, byte[][] all, byte[] one, int oneOff, int cpu, long flags, int runCpu) {
    long base = flags & ~BPF_F_LOCK;
    boolean lockFlag = (flags & BPF_F_LOCK) != 0;
    if (Long.compareUnsigned(base, BPF_EXIST) > 0) { // flags are a u64
      return -Errno.EINVAL;
    }
    if (lockFlag && (lru || perCpu() || spinLockOffset < 0)) {
      // htab_lru_map_update_elem and the per-CPU variants reject any flag above BPF_EXIST;
      // htab_map_update_elem needs a bpf_spin_lock in the value for BPF_F_LOCK.
      return -Errno.EINVAL;
    }
    if (lru) {
      synchronized (this) {
        return lruUpdate(kb, ko, all, one, oneOff, cpu, base, runCpu);
      }
    }
    synchronized (this) {
      int old = index.find(kb, ko);
      if (old >= 0 && base == BPF_NOEXIST) {
        return -Errno.EEXIST;
      }
      if (old < 0 && base == BPF_EXIST) {
        return -Errno.ENOENT;
      }
      if (old >= 0 && lockFlag) {
        byte[] b = values.bytes(0, old);
        int lockAt = values.offset(old) + spinLockOffset;
        SpinLocks.lock(b, lockAt);
        try {
          if (one != null) {
            values.write(0, old, one, oneOff, spinLockOffset);
          } else {
            values.write(0, old, all[0], spinLockOffset);
          }
        } finally {
          SpinLocks.unlock(b, lockAt);
        }
        return 0;
      }
      if (old >= 0 && perCpu) {
        writeValues(old, all, one, oneOff, cpu);
        return 0;
      }
      if (old < 0 && count >= maxEntries()) {
        return -Errno.E2BIG;
      }
      int slot = values.allocate();
      if (slot < 0) {
        return -Errno.E2BIG;
      }
      int keySlot = keys.allocate();
      System.arraycopy(kb, ko, keys.bytes(0, keySlot), keys.offset(keySlot), keySize());
      if (keySlot != slot) {
        throw new IllegalStateException("key and value slots diverged in " + this);
      }
      writeValues(slot, all, one, oneOff, cpu);
      if (old >= 0) {
        index.replace(old, slot);
        release(old);
      } else {
        index.add(slot);
        count++;
      }
      return 0;
    }
  }

  private void writeValues(int slot, byte[][] all, byte[] one, int oneOff, int cpu) {
    if (one != null) {
      values.write(cpu, slot, one, oneOff, spinLockOffset);
    } else {
      for (int c = 0; c < all.length; c++) {
        values.write(c, slot, all[c], spinLockOffset);
      }
    }
  }

  /** htab_lru_map_update_elem() / htab_lru_percpu_map_update_elem(), under the map lock. */
  private int lruUpdate(
      byte[] kb, int ko, byte[][] all, byte[] one, int oneOff, int cpu, long base, int runCpu) {
    int node = -1;
    if (!perCpu() || base != BPF_EXIST) {
      node = lruList.popFree(runCpu);
      if (node < 0) {
        return -Errno.ENOMEM;
      }
    }
    int old = index.find(kb, ko); // after popFree, which may have evicted it
    int rc =
        old >= 0 && base == BPF_NOEXIST
            ? -Errno.EEXIST
            : old < 0 && base == BPF_EXIST ? -Errno.ENOENT : 0;
    if (rc != 0) {
      if (node >= 0) {
        lruList.pushFree(node);
      }
      return rc;
    }
    if (perCpu && old >= 0) {
      lruList.setRef(old);
      writeValues(old, all, one, oneOff, cpu);
      if (node >= 0) {
        lruList.pushFree(node);
      }
      return 0;
    }
    values.claim(node);
    keys.claim(node);
    System.arraycopy(kb, ko, keys.bytes(0, node), keys.offset(node), keySize());
    writeValues(node, all, one, oneOff, cpu);
    if (old >= 0) {
      index.replace(old, node);
      lruList.setRef(node);
      lruList.pushFree(old);
    } else {
      index.add(node);
      count++;
    }
    return 0;
  }

  private void release(int slot) {
    values.release(slot);
    keys.release(slot);
  }

  /** htab_lru_map_delete_node(): the LRU evicts {@code node} if it still holds an element. */
  private boolean evictNode(int node) {
    if (!index.remove(node)) {
      return false;
    }
    count--;
    return true;
  }

  @Override
  public int delete(byte[] key) {
    if (!keyOk(key)) {
      return -Errno.EINVAL;
    }
    synchronized (this) {
      int slot = index.find(key, 0);
      if (slot < 0) {
        return -Errno.ENOENT;
      }
      index.remove(slot);
      if (lru) {
        lruList.pushFree(slot);
      } else {
        release(slot);
      }
      count--;
      return 0;
    }
  }

  @Override
  public byte[][] lookupPerCpu(byte[] key) {
    if (!keyOk(key)) {
      return null;
    }
    int slot = index.find(key, 0);
    if (slot < 0) {
      return null;
    }
    byte[][] out = new byte[values.cpus()][];
    for (int c = 0; c < out.length; c++) {
      out[c] = values.readForHost(c, slot, spinLockOffset);
    }
    return out;
  }

  @Override
  public synchronized List<byte[]> keys() {
    List<byte[]> out = new ArrayList<>();
    for (Integer slot : slotsSnapshot()) {
      out.add(keys.read(0, slot));
    }
    return out;
  }

  /**
   * The slots present, ordered by their keys (unsigned lexicographic): the order host-side
   * iteration, dumps and bpf_for_each_map_elem use.
   */
  synchronized List<Integer> slotsSnapshot() {
    List<Integer> slots = new ArrayList<>(count);
    index.forEachSlot(slots::add);
    List<byte[]> ks = new ArrayList<>(slots.size());
    for (int slot : slots) {
      ks.add(keys.read(0, slot));
    }
    Integer[] order = new Integer[slots.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(ks.get(a), ks.get(b)));
    List<Integer> out = new ArrayList<>(order.length);
    for (int i : order) {
      out.add(slots.get(i));
    }
    return out;
  }

  long valuePointer(ExecutionContext ctx, int slot) {
    return values.pointer(ctx, perCpu ? values.cpuOf(ctx) : 0, slot);
  }
}
