package io.xdpemu.ebpf.helpers;

import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.ebpf.maps.MapRegistry;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.TrapException;

/**
 * What the helpers answer from besides the execution context: the maps of the loaded object (to
 * resolve map handles), the simulated FIB (interfaces, routes, neighbours; shared with redirect
 * targets) and the kernel's CONFIG_HZ for bpf_jiffies64.
 *
 * @param maps the loaded maps and programs
 * @param fib the simulated network (interfaces with MAC, MTU, ifindex; routes; neighbours)
 * @param hz jiffies per second (the kernel's CONFIG_HZ; 250 by default, as most distributions)
 */
public record HelperEnvironment(MapRegistry maps, Fib fib, int hz) {
  public HelperEnvironment(MapRegistry maps, Fib fib) {
    this(maps, fib, 250);
  }

  /** The map behind a handle argument, or a trap naming the bad value. */
  BpfMap map(ExecutionContext ctx, long handle) {
    BpfMap m = maps.byHandle(handle);
    if (m == null) {
      throw new TrapException(
          ctx.pc, String.format("bad map pointer 0x%x passed to a map helper (not a map)", handle));
    }
    return m;
  }
}
