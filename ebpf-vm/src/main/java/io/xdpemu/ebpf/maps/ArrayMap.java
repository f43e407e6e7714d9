package io.xdpemu.ebpf.maps;

import io.xdpemu.ebpf.ProgramRejectedException;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * BPF_MAP_TYPE_ARRAY and PERCPU_ARRAY (kernel/bpf/arraymap.c), and the global-data sections libbpf
 * turns into one-element arrays. Every element exists from creation, zero-filled; keys are __u32
 * indexes. Deleting is -EINVAL, BPF_NOEXIST is -EEXIST, an index past max_entries is -E2BIG on
 * update and NULL on lookup.
 */
public final class ArrayMap extends BpfMap {
  private final SlotStore store;
  private final RegionRegistry regions;
  private volatile SlotStore indexKeys;

  ArrayMap(MapDefinition def, int cpus, RegionRegistry regions) {
    super(def, cpus, regions);
    this.regions = regions;
    if (def.keySize() != 4) {
      throw new ProgramRejectedException(
          "map '" + def.name() + "': array key_size must be 4, not " + def.keySize());
    }
    if (def.valueSize() <= 0 || def.maxEntries() <= 0) {
      throw new ProgramRejectedException(
          "map '" + def.name() + "': array needs value_size > 0 and max_entries > 0");
    }
    boolean rdonly = (def.flags() & BPF_F_RDONLY_PROG) != 0;
    this.store =
        new SlotStore(
            def.name(), def.valueSize(), def.maxEntries(), perCpu() ? cpus : 1, rdonly, regions);
    store.allocateAll();
    byte[] init = def.initialData();
    if (init != null) {
      byte[] v = java.util.Arrays.copyOf(init, def.valueSize());
      for (int cpu = 0; cpu < store.cpus(); cpu++) {
        store.write(cpu, 0, v, -1);
      }
    }
    if (def.readOnly()) {
      store.freeze();
    }
  }

  /**
   * The pointer {@code ld_imm64} src 2 (BPF_PSEUDO_MAP_VALUE) loads: element 0 plus {@code offset}.
   * Global data only ever has one element. The region is registered at creation, so every execution
   * context created afterwards sees it.
   */
  public long valuePointer(int offset) {
    return store.address(0, 0) + offset;
  }

  /** The element memory itself, for the host (CPU {@code cpu}, element {@code index}). */
  public byte[] rawBytes(int cpu, int index) {
    return store.bytes(cpu, index);
  }

  public int rawOffset(int index) {
    return store.offset(index);
  }

  /**
   * A pointer to a read-only __u32 holding {@code index}: the key bpf_for_each_map_elem hands its
   * callback (the kernel points at a u32 on its own stack). The table is built on first use.
   */
  long indexKeyPointer(ExecutionContext ctx, int index) {
    SlotStore k = indexKeys;
    if (k == null) {
      synchronized (this) {
        if (indexKeys == null) {
          SlotStore s = new SlotStore(name() + ".index", 4, maxEntries(), 1, false, regions);
          s.allocateAll();
          for (int i = 0; i < maxEntries(); i++) {
            s.write(0, i, le32(i), -1);
          }
          s.freeze();
          indexKeys = s;
        }
        k = indexKeys;
      }
    }
    return k.pointer(ctx, 0, index);
  }

  private int index(byte[] key) {
    return u32(key, 0);
  }

  @Override
  public long lookupFromProgram(ExecutionContext ctx, byte[] key) {
    return lookupIndex(ctx, index(key));
  }

  @Override
  public long lookupInPlace(ExecutionContext ctx, byte[] b, int off) {
    return lookupIndex(ctx, u32(b, off));
  }

  /** bpf_map_lookup_elem by index, without a key copy (the helpers' fast path for arrays). */
  public long lookupIndex(ExecutionContext ctx, int i) {
    if (Integer.compareUnsigned(i, maxEntries()) >= 0) {
      return 0;
    }
    return store.pointer(ctx, perCpu() ? store.cpuOf(ctx) : 0, i);
  }

  @Override
  public long updateFromProgram(ExecutionContext ctx, byte[] key, byte[] value, long flags) {
    return updateInPlace(ctx, key, 0, value, 0, flags);
  }

  @Override
  public long updateInPlace(
      ExecutionContext ctx, byte[] kb, int ko, byte[] vb, int vo, long flags) {
    // array_map_update_elem(): a program's update of a per-CPU array writes this CPU only.
    int i = u32(kb, ko);
    int rc = checkUpdate(i, flags, !perCpu());
    if (rc != 0) {
      return rc;
    }
    writeLocked(perCpu() ? store.cpuOf(ctx) : 0, i, vb, vo, flags);
    return 0;
  }

  private int checkUpdate(int index, long flags, boolean lockAllowed) {
    long base = flags & ~BPF_F_LOCK;
    if (Long.compareUnsigned(base, BPF_EXIST) > 0 || (!lockAllowed && (flags & BPF_F_LOCK) != 0)) {
      return -Errno.EINVAL;
    }
    if (Integer.compareUnsigned(index, maxEntries()) >= 0) {
      return -Errno.E2BIG;
    }
    if (base == BPF_NOEXIST) {
      return -Errno.EEXIST;
    }
    if ((flags & BPF_F_LOCK) != 0 && spinLockOffset < 0) {
      return -Errno.EINVAL;
    }
    return 0;
  }

  private void writeLocked(int cpu, int i, byte[] src, int from, long flags) {
    int lockOff = spinLockOffset;
    if ((flags & BPF_F_LOCK) != 0) {
      byte[] b = store.bytes(cpu, i);
      int lockAt = store.offset(i) + lockOff;
      SpinLocks.lock(b, lockAt);
      try {
        store.write(cpu, i, src, from, lockOff);
      } finally {
        SpinLocks.unlock(b, lockAt);
      }
    } else {
      store.write(cpu, i, src, from, lockOff);
    }
  }

  @Override
  public long deleteFromProgram(ExecutionContext ctx, byte[] key) {
    return -Errno.EINVAL;
  }

  @Override
  public byte[][] lookupPerCpu(byte[] key) {
    if (!keyOk(key) || Integer.compareUnsigned(index(key), maxEntries()) >= 0) {
      return null;
    }
    byte[][] out = new byte[store.cpus()][];
    for (int cpu = 0; cpu < out.length; cpu++) {
      out[cpu] = store.readForHost(cpu, index(key), spinLockOffset);
    }
    return out;
  }

  @Override
  public int updatePerCpu(byte[] key, byte[][] values, long flags) {
    if (!keyOk(key) || !valueOk(values)) {
      return -Errno.EINVAL;
    }
    // bpf_percpu_array_update() rejects BPF_F_LOCK.
    int rc = checkUpdate(index(key), flags, !perCpu());
    if (rc != 0) {
      return rc;
    }
    for (int cpu = 0; cpu < values.length; cpu++) {
      writeLocked(cpu, index(key), values[cpu], 0, flags);
    }
    return 0;
  }

  @Override
  public int delete(byte[] key) {
    return -Errno.EINVAL;
  }

  @Override
  public List<byte[]> keys() {
    List<byte[]> out = new ArrayList<>(maxEntries());
    for (int i = 0; i < maxEntries(); i++) {
      out.add(le32(i));
    }
    return out;
  }

  @Override
  public List<Entry> populatedEntries() {
    List<Entry> out = new ArrayList<>();
    store.forEachNonZeroSlot(
        i -> {
          byte[] key = le32(i);
          out.add(new Entry(key, lookupPerCpu(key)));
        });
    return out;
  }

  /** array_map_get_next_key(): an index past the end restarts at 0; the last has no next. */
  @Override
  public byte[] nextKey(byte[] key) {
    if (key == null || !keyOk(key) || Integer.compareUnsigned(index(key), maxEntries()) >= 0) {
      return le32(0);
    }
    int i = index(key);
    return i == maxEntries() - 1 ? null : le32(i + 1);
  }

  /** Host write of raw bytes at an offset of element 0 (global data initialisation, tests). */
  public void writeElementBytes(int index, int offset, byte[] data) {
    for (int cpu = 0; cpu < store.cpus(); cpu++) {
      System.arraycopy(data, 0, store.bytes(cpu, index), store.offset(index) + offset, data.length);
    }
  }
}
