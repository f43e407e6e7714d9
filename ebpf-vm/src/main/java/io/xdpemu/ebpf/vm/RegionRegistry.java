package io.xdpemu.ebpf.vm;

import java.util.Arrays;

/**
 * Hands out region ids for shared objects (maps, global data, ring buffers) at load time. Thread
 * safe; execution contexts copy the table when created and on {@link AddressSpace#refresh}.
 */
public final class RegionRegistry {
  private Region[] regions = new Region[AddressSpace.FIRST_SHARED + 16];
  private int next = AddressSpace.FIRST_SHARED;

  public synchronized int register(Region region) {
    if (next >= regions.length) {
      regions = Arrays.copyOf(regions, regions.length * 2);
    }
    regions[next] = region;
    return next++;
  }

  public synchronized Region[] snapshot() {
    return Arrays.copyOf(regions, Math.max(next, AddressSpace.FIRST_SHARED));
  }
}
