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
 * that programs dereference with bounds checks. Chunks are created on first touch, for arrays too
 * (a hash map with a million entries, or a 16 GiB array, costs nothing until it is used; an
 * untouched chunk reads as zeros), and a chunk never moves: a pointer stays valid for the life of
 * the map, as the kernel's preallocated elements do. A chunk that does not fit the heap is a {@link
 * MapMemoryException} naming the map and its size. Hash maps recycle freed slots through a free
 * list (element reuse, as htab's pcpu_freelist does).
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

  /**
   * log2(slotsPerChunk) when it is a power of two (elem sizes 8, 16, 32...), else -1: a slot's
   * chunk and offset are then a shift and a mask instead of two divisions per lookup. The chunk
   * geometry itself never changes (region bounds appear in trap messages).
   */
  private final int chunkShift;

  /**
   * A chunk's memory, its id in the registry and its bytes (the region's, which never change; here
   * to save a load per lookup). Final fields: safe to read racily.
   */
  private record Chunk(Region region, int id, byte[] bytes) {
    Chunk(Region region, int id) {
      this(region, id, region.bytes());
    }
  }

  /** [cpu][chunk]; null until first touch; written under {@code this}, read racily. */
  private final Chunk[][] chunks;

  private boolean frozen;
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
    this.chunkShift =
        Integer.bitCount(slotsPerChunk) == 1 ? Integer.numberOfTrailingZeros(slotsPerChunk) : -1;
    long nChunks = ((long) capacity + slotsPerChunk - 1) / slotsPerChunk;
    if ((long) elemSize * Math.min(capacity, slotsPerChunk) > Integer.MAX_VALUE - 8
        || nChunks > Integer.MAX_VALUE / 4) {
      throw new ProgramRejectedException(
          "map '" + name + "': value area too large (" + capacity + " x " + elemSize + " bytes)");
    }
    this.chunks = new Chunk[cpus][(int) nChunks];
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

  /**
   * Every element exists from now on (arrays), zero-filled; the memory behind them is still created
   * chunk by chunk on first touch.
   */
  synchronized void allocateAll() {
    fresh = capacity;
  }

  /** A free slot (zeroed on every CPU), or -1 when all {@code capacity} slots are in use. */
  synchronized int allocate() {
    int slot;
    if (freeCount > 0) {
      slot = freeList[--freeCount];
    } else if (fresh < capacity) {
      slot = fresh++;
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

  /**
   * Calls {@code action} with every slot whose value is not zero on some CPU, in slot order,
   * reading only chunks that exist (chunks are created on every CPU at once; an untouched one is
   * zeros).
   */
  void forEachNonZeroSlot(java.util.function.IntConsumer action) {
    for (int c = 0; c < chunks[0].length; c++) {
      if (chunks[0][c] == null) {
        continue;
      }
      int first = c * slotsPerChunk;
      int end = Math.min(capacity, first + slotsPerChunk);
      for (int slot = first; slot < end; slot++) {
        int off = offset(slot);
        for (int cpu = 0; cpu < cpus; cpu++) {
          byte[] b = chunks[cpu][c].region().bytes();
          if (!zero(b, off, off + valueSize)) {
            action.accept(slot);
            break;
          }
        }
      }
    }
  }

  private static boolean zero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** Chunk {@code c} on {@code cpu}, created (on every CPU) at first touch. */
  private Chunk chunk(int cpu, int c) {
    Chunk k = chunks[cpu][c];
    return k != null ? k : createChunk(cpu, c);
  }

  private synchronized Chunk createChunk(int wanted, int c) {
    if (chunks[wanted][c] != null) {
      return chunks[wanted][c];
    }
    int first = c * slotsPerChunk;
    int n = Math.min(slotsPerChunk, capacity - first);
    int size = n * elemSize;
    // The last value ends at valueSize, not at the rounded elem size.
    int hi = size - (elemSize - valueSize);
    for (int cpu = 0; cpu < cpus; cpu++) {
      String rn = cpus == 1 ? name : name + "@cpu" + cpu;
      byte[] memory;
      try {
        memory = new byte[size];
      } catch (OutOfMemoryError e) {
        throw new MapMemoryException(name, capacity, valueSize, cpus);
      }
      Region r = new Region(rn, Region.Kind.MAP_VALUE, memory, 0, hi, readOnlyForPrograms);
      if (frozen) {
        r.freeze();
      }
      chunks[cpu][c] = new Chunk(r, registry.register(r));
    }
    return chunks[wanted][c];
  }

  /** Marks every value read-only for programs (libbpf freezes .rodata after load). */
  synchronized void freeze() {
    frozen = true;
    for (Chunk[] perCpu : chunks) {
      for (Chunk k : perCpu) {
        if (k != null) {
          k.region().freeze();
        }
      }
    }
  }

  byte[] bytes(int cpu, int slot) {
    return chunk(cpu, chunkOf(slot)).bytes();
  }

  private int chunkOf(int slot) {
    return chunkShift >= 0 ? slot >>> chunkShift : slot / slotsPerChunk;
  }

  int offset(int slot) {
    int inChunk = chunkShift >= 0 ? slot & (slotsPerChunk - 1) : slot % slotsPerChunk;
    return inChunk * elemSize;
  }

  /**
   * The pointer a program gets for {@code slot} on {@code cpu}; installs the chunk's region into
   * the context's address space when it was created after the context (a hash map growing).
   */
  long pointer(ExecutionContext ctx, int cpu, int slot) {
    Chunk k = chunk(cpu, chunkOf(slot));
    int id = k.id();
    if (id != ctx.valueRegion) { // else installed already: the context's last lookup was here
      AddressSpace mem = ctx.memory();
      if (mem.byId(id) == null) {
        mem.install(id, k.region());
      }
      ctx.valueRegion = id;
      ctx.valueBytes = k.bytes();
    }
    return AddressSpace.pointer(id, offset(slot));
  }

  /**
   * {@code pointer}, the address of {@code slot} on CPU 0 as {@link #address} gave it, for a
   * program's lookup: as {@link #pointer} without computing it again (only the install check).
   */
  long enter(ExecutionContext ctx, long pointer, int slot) {
    return AddressSpace.regionId(pointer) == ctx.valueRegion ? pointer : pointer(ctx, 0, slot);
  }

  /** The pointer for {@code slot} on {@code cpu}, for the loader (no context to install into). */
  long address(int cpu, int slot) {
    return AddressSpace.pointer(chunk(cpu, chunkOf(slot)).id(), offset(slot));
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
    Chunk k = chunks[cpu][chunkOf(slot)];
    if (k != null) { // an untouched chunk is zeros: reading it (a dump) must not create it
      System.arraycopy(k.bytes(), offset(slot), out, 0, valueSize);
    }
    return out;
  }

  void write(int cpu, int slot, byte[] value, int spinLockOffset) {
    write(cpu, slot, value, 0, spinLockOffset);
  }

  /** Writes the value at {@code src[from, from + valueSize)} into {@code slot} on {@code cpu}. */
  void write(int cpu, int slot, byte[] src, int from, int spinLockOffset) {
    byte[] b = bytes(cpu, slot);
    int off = offset(slot);
    if (spinLockOffset < 0) {
      System.arraycopy(src, from, b, off, valueSize);
    } else {
      // copy_map_value(): the bpf_spin_lock field is never overwritten by a value copy.
      System.arraycopy(src, from, b, off, spinLockOffset);
      int after = spinLockOffset + 4;
      System.arraycopy(src, from + after, b, off + after, valueSize - after);
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
