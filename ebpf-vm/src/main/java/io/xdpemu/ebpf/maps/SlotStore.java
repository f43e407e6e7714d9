package io.xdpemu.ebpf.maps;

import io.xdpemu.ebpf.ProgramRejectedException;
import io.xdpemu.ebpf.vm.AddressSpace;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.Region;
import io.xdpemu.ebpf.vm.RegionRegistry;
import io.xdpemu.ebpf.vm.TrapException;

/**
 * The value memory of a map: {@code capacity} slots of {@code round_up(value_size, 8)} bytes (the
 * kernel's elem size, so values are 8-byte aligned and the atomic instructions can use aligned
 * VarHandle access), one copy per CPU for per-CPU maps.
 *
 * <p>Slots live in chunks of about 64 KiB; each chunk is one {@link Region} registered in the
 * {@link RegionRegistry}, so a lookup returns a real pointer {@code (chunkRegionId << 32) | offset}
 * that programs dereference with bounds checks. Chunks are created on first use (a hash map with a
 * million entries costs nothing until it fills), and a chunk never moves: a pointer stays valid for
 * the life of the map, as the kernel's preallocated elements do. Hash maps recycle freed slots
 * through a free list (element reuse, as htab's pcpu_freelist does).
 *
 * <pre>
 *  chunk region k (one per CPU for per-CPU maps)
 *  +-----------+-----------+-----+-----------------+
 *  | slot k*n  | slot k*n+1| ... | slot k*n+n-1    |   each slot = elemSize bytes
 *  +-----------+-----------+-----+-----------------+
 * </pre>
 */
final class SlotStore {
  private static final int CHUNK_BYTES = 1 << 16;

  private final String name;
  private final int valueSize;
  private final int elemSize;
  private final int capacity;
  private final int cpus;
  private final boolean readOnlyForPrograms;
  private final RegionRegistry registry;
  private final int slotsPerChunk;

  /** [cpu][chunk]; written under {@code this}, read racily but only after publication. */
  private final Region[][] chunks;

  private final int[][] chunkIds;
  private volatile int chunksCreated;
  private int[] freeList = new int[16];
  private int freeCount;
  private int fresh;

  SlotStore(
      String name,
      int valueSize,
      int capacity,
      int cpus,
      boolean readOnlyForPrograms,
      RegionRegistry registry) {
    this.name = name;
    this.valueSize = valueSize;
    this.elemSize = roundUp8(valueSize);
    this.capacity = capacity;
    this.cpus = cpus;
    this.readOnlyForPrograms = readOnlyForPrograms;
    this.registry = registry;
    this.slotsPerChunk = Math.max(1, CHUNK_BYTES / Math.max(elemSize, 1));
    long nChunks = ((long) capacity + slotsPerChunk - 1) / slotsPerChunk;
    if ((long) elemSize * Math.min(capacity, slotsPerChunk) > Integer.MAX_VALUE - 8
        || nChunks > Integer.MAX_VALUE / 4) {
      throw new ProgramRejectedException(
          "map '" + name + "': value area too large (" + capacity + " x " + elemSize + " bytes)");
    }
    this.chunks = new Region[cpus][(int) nChunks];
    this.chunkIds = new int[cpus][(int) nChunks];
  }

  static int roundUp8(int n) {
    return (n + 7) & ~7;
  }

  int elemSize() {
    return elemSize;
  }

  int valueSize() {
    return valueSize;
  }

  int cpus() {
    return cpus;
  }

  /** Creates every chunk now (arrays: all elements exist from the start). */
  synchronized void allocateAll() {
    for (int c = chunksCreated; c < chunks[0].length; c++) {
      createChunk(c);
    }
    fresh = capacity;
  }

  /** A free slot (zeroed on every CPU), or -1 when all {@code capacity} slots are in use. */
  synchronized int allocate() {
    int slot;
    if (freeCount > 0) {
      slot = freeList[--freeCount];
    } else if (fresh < capacity) {
      slot = fresh++;
      int c = slot / slotsPerChunk;
      while (chunksCreated <= c) {
        createChunk(chunksCreated);
      }
    } else {
      return -1;
    }
    for (int cpu = 0; cpu < cpus; cpu++) {
      java.util.Arrays.fill(bytes(cpu, slot), offset(slot), offset(slot) + elemSize, (byte) 0);
    }
    return slot;
  }

  /**
   * Takes a specific slot (zeroed on every CPU), for maps that manage slot ownership themselves
   * (the LRU hash, whose {@link LruList} decides which element is reused).
   */
  synchronized void claim(int slot) {
    int c = slot / slotsPerChunk;
    while (chunksCreated <= c) {
      createChunk(chunksCreated);
    }
    fresh = Math.max(fresh, slot + 1);
    for (int cpu = 0; cpu < cpus; cpu++) {
      java.util.Arrays.fill(bytes(cpu, slot), offset(slot), offset(slot) + elemSize, (byte) 0);
    }
  }

  synchronized void release(int slot) {
    if (freeCount == freeList.length) {
      freeList = java.util.Arrays.copyOf(freeList, freeList.length * 2);
    }
    freeList[freeCount++] = slot;
  }

  private void createChunk(int c) {
    int first = c * slotsPerChunk;
    int n = Math.min(slotsPerChunk, capacity - first);
    int size = n * elemSize;
    // The last value ends at valueSize, not at the rounded elem size.
    int hi = size - (elemSize - valueSize);
    for (int cpu = 0; cpu < cpus; cpu++) {
      String rn = cpus == 1 ? name : name + "@cpu" + cpu;
      Region r = new Region(rn, Region.Kind.MAP_VALUE, new byte[size], 0, hi, readOnlyForPrograms);
      chunks[cpu][c] = r;
      chunkIds[cpu][c] = registry.register(r);
    }
    chunksCreated = c + 1;
  }

  /** Marks every value read-only for programs (libbpf freezes .rodata after load). */
  synchronized void freeze() {
    for (Region[] perCpu : chunks) {
      for (Region r : perCpu) {
        if (r != null) {
          r.freeze();
        }
      }
    }
  }

  byte[] bytes(int cpu, int slot) {
    return chunks[cpu][slot / slotsPerChunk].bytes();
  }

  int offset(int slot) {
    return (slot % slotsPerChunk) * elemSize;
  }

  /**
   * The pointer a program gets for {@code slot} on {@code cpu}; installs the chunk's region into
   * the context's address space when it was created after the context (a hash map growing).
   */
  long pointer(ExecutionContext ctx, int cpu, int slot) {
    int c = slot / slotsPerChunk;
    int id = chunkIds[cpu][c];
    AddressSpace mem = ctx.memory();
    if (mem.byId(id) == null) {
      mem.install(id, chunks[cpu][c]);
    }
    return AddressSpace.pointer(id, offset(slot));
  }

  /** The pointer for {@code slot} on {@code cpu}, for the loader (no context to install into). */
  long address(int cpu, int slot) {
    return AddressSpace.pointer(chunkIds[cpu][slot / slotsPerChunk], offset(slot));
  }

  /** The CPU slot a program run uses: its RX queue; traps if the map has fewer CPUs. */
  int cpuOf(ExecutionContext ctx) {
    int cpu = ctx.cpu;
    if (cpu < 0 || cpu >= cpus) {
      throw new TrapException(
          ctx.pc, "per-CPU map '" + name + "' has " + cpus + " CPUs, program runs on CPU " + cpu);
    }
    return cpu;
  }

  byte[] read(int cpu, int slot) {
    byte[] out = new byte[valueSize];
    System.arraycopy(bytes(cpu, slot), offset(slot), out, 0, valueSize);
    return out;
  }

  void write(int cpu, int slot, byte[] value, int spinLockOffset) {
    byte[] b = bytes(cpu, slot);
    int off = offset(slot);
    if (spinLockOffset < 0) {
      System.arraycopy(value, 0, b, off, valueSize);
    } else {
      // copy_map_value(): the bpf_spin_lock field is never overwritten by a value copy.
      System.arraycopy(value, 0, b, off, spinLockOffset);
      int after = spinLockOffset + 4;
      System.arraycopy(value, after, b, off + after, valueSize - after);
    }
  }

  /** Copies a value out, with the spin lock field zeroed (check_and_init_map_value). */
  byte[] readForHost(int cpu, int slot, int spinLockOffset) {
    byte[] v = read(cpu, slot);
    if (spinLockOffset >= 0) {
      java.util.Arrays.fill(v, spinLockOffset, spinLockOffset + 4, (byte) 0);
    }
    return v;
  }
}
