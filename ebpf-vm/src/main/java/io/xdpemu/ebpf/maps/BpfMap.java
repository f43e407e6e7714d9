package io.xdpemu.ebpf.maps;

import io.xdpemu.ebpf.vm.AddressSpace;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.Region;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * One BPF map with the kernel's semantics. Two faces:
 *
 * <ul>
 *   <li>the program's, used by the helpers: {@link #lookupFromProgram} returns a pointer into a
 *       value {@link Region} (per-CPU maps: the copy of {@code ctx.cpu}), updates and deletes
 *       return 0 or a negative errno exactly as the kernel's {@code map_ops} do;
 *   <li>the host's, used by {@code --map-init}, maps.json and tests: the {@code bpf(2)} syscall
 *       semantics ({@code BPF_MAP_LOOKUP_ELEM}, {@code UPDATE_ELEM}, {@code DELETE_ELEM}, {@code
 *       GET_NEXT_KEY}), per-CPU maps taking and returning one value per CPU.
 * </ul>
 *
 * <p>The map's <em>handle</em> (what {@code ld_imm64} with src 1 loads, the {@code struct bpf_map
 * *} a program passes to helpers) is {@code pointer(handleRegionId, 0)}: each map registers one
 * empty, read-only region of kind {@link Region.Kind#MAP_HANDLE}. Its id names the map in the
 * {@link MapRegistry}; dereferencing a handle traps (the region has no bytes), as the verifier
 * forbids in the kernel.
 *
 * <p>Unsupported operations return the errno the kernel returns for them from the syscall ({@code
 * -EOPNOTSUPP} for ops a map type lacks, {@code -EINVAL} where the kernel's op says so).
 */
public abstract class BpfMap {
  public static final long BPF_ANY = 0;
  public static final long BPF_NOEXIST = 1;
  public static final long BPF_EXIST = 2;
  public static final long BPF_F_LOCK = 4;

  /** map_flags bits (include/uapi/linux/bpf.h). */
  public static final int BPF_F_NO_PREALLOC = 1 << 0;

  public static final int BPF_F_NO_COMMON_LRU = 1 << 1;
  public static final int BPF_F_RDONLY_PROG = 1 << 7;

  protected final MapDefinition def;
  protected final int cpus;
  private final int handleRegionId;

  /** Offset of a bpf_spin_lock in the value, or -1 (from the value's BTF, set by the loader). */
  protected volatile int spinLockOffset = -1;

  protected BpfMap(MapDefinition def, int cpus, RegionRegistry regions) {
    this.def = def;
    this.cpus = cpus;
    this.handleRegionId =
        regions.register(
            new Region("map:" + def.name(), Region.Kind.MAP_HANDLE, new byte[0], 0, 0, true));
  }

  public final MapDefinition definition() {
    return def;
  }

  public final String name() {
    return def.name();
  }

  public final int type() {
    return def.type();
  }

  public final int keySize() {
    return def.keySize();
  }

  public final int valueSize() {
    return def.valueSize();
  }

  public final int maxEntries() {
    return def.maxEntries();
  }

  public final int cpus() {
    return cpus;
  }

  public final boolean perCpu() {
    return MapType.isPerCpu(def.type());
  }

  /** The value {@code ld_imm64 rX, map} loads. */
  public final long handle() {
    return AddressSpace.pointer(handleRegionId, 0);
  }

  final int handleRegionId() {
    return handleRegionId;
  }

  /** Declares a {@code struct bpf_spin_lock} at this value offset (enables BPF_F_LOCK). */
  public void setSpinLockOffset(int offset) {
    if (offset < 0 || offset + 4 > valueSize() || !SpinLocks.aligned(offset)) {
      throw new IllegalArgumentException("bad bpf_spin_lock offset " + offset);
    }
    this.spinLockOffset = offset;
  }

  public int spinLockOffset() {
    return spinLockOffset;
  }

  // ---- program side (helpers) ----

  /** bpf_map_lookup_elem: a pointer to the value, or 0 (NULL). */
  public long lookupFromProgram(ExecutionContext ctx, byte[] key) {
    return 0;
  }

  /**
   * bpf_map_lookup_elem with the key read where the program keeps it: {@code b[off, off +
   * keySize())}, already bounds-checked by the caller. The map types programs look up per packet
   * (arrays, hashes, LPM tries) answer without allocating; others copy the key into the context's
   * scratch array.
   */
  public long lookupInPlace(ExecutionContext ctx, byte[] b, int off) {
    byte[] key = ctx.keyScratch(keySize());
    System.arraycopy(b, off, key, 0, keySize());
    return lookupFromProgram(ctx, key);
  }

  /** bpf_map_update_elem from a program (per-CPU maps: the current CPU's copy only). */
  public long updateFromProgram(ExecutionContext ctx, byte[] key, byte[] value, long flags) {
    return -Errno.EINVAL;
  }

  /**
   * bpf_map_update_elem with key and value read where the program keeps them ({@code kb[ko, ko +
   * keySize())}, {@code vb[vo, vo + valueSize())}, bounds-checked by the caller, in memory that is
   * not map values, so the map's own writes cannot change them). The maps programs update per
   * packet (arrays, hashes) copy the bytes straight into the element; others take copies.
   */
  public long updateInPlace(
      ExecutionContext ctx, byte[] kb, int ko, byte[] vb, int vo, long flags) {
    byte[] key = java.util.Arrays.copyOfRange(kb, ko, ko + keySize());
    byte[] value = java.util.Arrays.copyOfRange(vb, vo, vo + valueSize());
    return updateFromProgram(ctx, key, value, flags);
  }

  public long deleteFromProgram(ExecutionContext ctx, byte[] key) {
    return -Errno.EINVAL;
  }

  /** bpf_map_push_elem. */
  public long push(byte[] value, long flags) {
    return -Errno.EOPNOTSUPP;
  }

  /** bpf_map_pop_elem / bpf_map_peek_elem into {@code out} (value_size bytes). */
  public long pop(byte[] out, boolean remove) {
    return -Errno.EOPNOTSUPP;
  }

  // ---- host side (syscall semantics) ----

  /** BPF_MAP_LOOKUP_ELEM: the value, or null when absent. Per-CPU maps: CPU 0's copy. */
  public byte[] lookup(byte[] key) {
    byte[][] all = lookupPerCpu(key);
    return all == null ? null : all[0];
  }

  /** One value per CPU (a single element for maps that are not per-CPU), or null when absent. */
  public abstract byte[][] lookupPerCpu(byte[] key);

  /** BPF_MAP_UPDATE_ELEM; for per-CPU maps the same value goes to every CPU. */
  public int update(byte[] key, byte[] value, long flags) {
    byte[][] all = new byte[perCpu() ? cpus : 1][];
    java.util.Arrays.fill(all, value);
    return updatePerCpu(key, all, flags);
  }

  /** BPF_MAP_UPDATE_ELEM with one value per CPU (length 1 for maps that are not per-CPU). */
  public abstract int updatePerCpu(byte[] key, byte[][] values, long flags);

  /** BPF_MAP_DELETE_ELEM. */
  public abstract int delete(byte[] key);

  /** The keys present, in the order {@code BPF_MAP_GET_NEXT_KEY} walks them. */
  public abstract List<byte[]> keys();

  /**
   * BPF_MAP_GET_NEXT_KEY: the key after {@code key}, the first key when {@code key} is null or
   * absent (hash maps; arrays restart at 0 only for null), or null at the end.
   */
  public byte[] nextKey(byte[] key) {
    List<byte[]> ks = keys();
    if (key == null) {
      return ks.isEmpty() ? null : ks.get(0);
    }
    for (int i = 0; i < ks.size(); i++) {
      if (java.util.Arrays.equals(ks.get(i), key)) {
        return i + 1 < ks.size() ? ks.get(i + 1) : null;
      }
    }
    return ks.isEmpty() ? null : ks.get(0);
  }

  /** Every element, for dumps: key and one value per CPU. */
  public List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    for (byte[] k : keys()) {
      byte[][] v = lookupPerCpu(k);
      if (v != null) {
        out.add(new Entry(k, v));
      }
    }
    return out;
  }

  /**
   * What a fresh map of this definition would not hold: every element of a hash-like map (as {@link
   * #entries()}), but only the elements of an array that are not zero on every CPU. Cheap for a big
   * array: only the memory a program or the host touched is read.
   */
  public List<Entry> populatedEntries() {
    return entries();
  }

  /** One element of a dump. For maps that are not per-CPU, {@code values} has one element. */
  public record Entry(byte[] key, byte[][] values) {}

  protected final boolean keyOk(byte[] key) {
    return key != null && key.length == keySize();
  }

  protected final boolean valueOk(byte[][] values) {
    if (values == null || values.length != (perCpu() ? cpus : 1)) {
      return false;
    }
    for (byte[] v : values) {
      if (v == null || v.length != valueSize()) {
        return false;
      }
    }
    return true;
  }

  static int u32(byte[] b, int off) {
    return (b[off] & 0xff)
        | (b[off + 1] & 0xff) << 8
        | (b[off + 2] & 0xff) << 16
        | (b[off + 3] & 0xff) << 24;
  }

  static byte[] le32(int v) {
    return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
  }

  @Override
  public String toString() {
    return MapType.name(type()) + " map '" + name() + "'";
  }
}
