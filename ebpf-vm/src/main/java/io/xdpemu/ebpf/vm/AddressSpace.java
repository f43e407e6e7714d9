package io.xdpemu.ebpf.vm;

import java.util.Arrays;

/**
 * The regions one execution context can address. A pointer is {@code (regionId << 32) | offset}:
 * arithmetic on the low half keeps the region, comparison and subtraction within a region behave
 * like real addresses, and any value whose high half names no region (NULL, scalars, a walk off the
 * end) traps on access.
 *
 * <pre>
 *   63            32 31                 0
 *  +----------------+--------------------+
 *  |   region id    | offset in region   |
 *  +----------------+--------------------+
 * </pre>
 *
 * <p>Ids 1..{@link #FIRST_SHARED}-1 are per execution context (one per RX queue thread): context,
 * stack, packet. Ids from {@link #FIRST_SHARED} on are shared objects (map value areas, global
 * data, ring buffers, map handles) registered once at load time by the {@link RegionRegistry};
 * every context sees them under the same id.
 */
public final class AddressSpace {
  public static final int NULL_REGION = 0;
  public static final int CONTEXT = 1;
  public static final int STACK = 2;
  public static final int PACKET = 3;
  public static final int FIRST_SHARED = 16;

  private Region[] regions;

  public AddressSpace(RegionRegistry shared) {
    this.regions = shared.snapshot();
  }

  public static long pointer(int regionId, int offset) {
    return ((long) regionId << 32) | (offset & 0xffffffffL);
  }

  public static int regionId(long address) {
    return (int) (address >>> 32);
  }

  public static int offset(long address) {
    return (int) address;
  }

  public void install(int id, Region region) {
    if (id >= regions.length) {
      regions = Arrays.copyOf(regions, Math.max(id + 1, regions.length * 2));
    }
    regions[id] = region;
  }

  /** Picks up regions registered after this context was created (for example a new map). */
  public void refresh(RegionRegistry shared) {
    Region[] s = shared.snapshot();
    if (s.length > regions.length) {
      regions = Arrays.copyOf(regions, s.length);
    }
    for (int i = FIRST_SHARED; i < s.length; i++) {
      regions[i] = s[i];
    }
  }

  /**
   * The live region table, indexed by region id, for the engines' inlined fast paths. It is
   * replaced (not mutated in place) when it grows, so engines re-read it on every access.
   */
  Region[] table() {
    return regions;
  }

  /** The region an address points into, or null when the high half names no region. */
  public Region region(long address) {
    long id = address >>> 32;
    return id < regions.length ? regions[(int) id] : null;
  }

  public Region byId(int id) {
    return id >= 0 && id < regions.length ? regions[id] : null;
  }

  /**
   * The region for an access of {@code size} bytes at {@code address}, bounds-checked; traps with
   * the pc, address, size and region otherwise.
   */
  public Region check(int pc, long address, int size, boolean write) {
    Region r = region(address);
    if (r == null) {
      throw new TrapException(
          pc,
          String.format(
              "invalid memory access at 0x%x size %d (no region: not a pointer)", address, size));
    }
    int off = (int) address;
    if (!r.contains(off, size)) {
      throw new TrapException(
          pc,
          String.format(
              "out-of-bounds %s at 0x%x size %d, region %s",
              write ? "write" : "read", address, size, r));
    }
    if (write && r.readOnly()) {
      throw new TrapException(
          pc, String.format("write to read-only region %s at 0x%x size %d", r, address, size));
    }
    return r;
  }
}
