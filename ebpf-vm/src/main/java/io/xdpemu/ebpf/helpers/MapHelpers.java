package io.xdpemu.ebpf.helpers;

import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.ebpf.maps.Errno;
import io.xdpemu.ebpf.maps.MapType;
import io.xdpemu.ebpf.maps.ProgArrayMap;
import io.xdpemu.ebpf.maps.SpinLocks;
import io.xdpemu.ebpf.vm.AddressSpace;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.HelperRegistry;
import io.xdpemu.ebpf.vm.Program;
import io.xdpemu.ebpf.vm.Region;
import io.xdpemu.ebpf.vm.TrapException;

/**
 * The map helpers (kernel/bpf/helpers.c): lookup/update/delete, push/pop/peek, per-CPU lookup, spin
 * locks, and bpf_tail_call (kernel/bpf/core.c, ___bpf_prog_run's JMP_TAIL_CALL). Keys and values
 * are copied out of program memory with bounds checks (a short or misplaced key traps).
 */
final class MapHelpers {
  private MapHelpers() {}

  static void register(HelperRegistry reg, HelperEnvironment env) {
    reg.register(
        HelperIds.MAP_LOOKUP_ELEM,
        "bpf_map_lookup_elem",
        (MapCalls.Standard)
            (ctx, r1, r2, r3, r4, r5) -> MapCalls.lookup(env.map(ctx, r1), ctx, r2));
    reg.register(
        HelperIds.MAP_UPDATE_ELEM,
        "bpf_map_update_elem",
        (MapCalls.Standard)
            (ctx, r1, r2, r3, r4, r5) -> MapCalls.update(env.map(ctx, r1), ctx, r2, r3, r4));
    reg.register(
        HelperIds.MAP_DELETE_ELEM,
        "bpf_map_delete_elem",
        (MapCalls.Standard)
            (ctx, r1, r2, r3, r4, r5) -> MapCalls.delete(env.map(ctx, r1), ctx, r2));
    reg.register(
        HelperIds.MAP_PUSH_ELEM,
        "bpf_map_push_elem",
        (ctx, r1, r2, r3, r4, r5) -> {
          BpfMap m = env.map(ctx, r1);
          return m.push(HelperMemory.read(ctx, r2, m.valueSize()), r3);
        });
    reg.register(
        HelperIds.MAP_POP_ELEM,
        "bpf_map_pop_elem",
        (ctx, r1, r2, r3, r4, r5) -> pop(env, ctx, r1, r2, true));
    reg.register(
        HelperIds.MAP_PEEK_ELEM,
        "bpf_map_peek_elem",
        (ctx, r1, r2, r3, r4, r5) -> pop(env, ctx, r1, r2, false));
    reg.register(
        HelperIds.MAP_LOOKUP_PERCPU_ELEM,
        "bpf_map_lookup_percpu_elem",
        (ctx, r1, r2, r3, r4, r5) -> {
          BpfMap m = env.map(ctx, r1);
          byte[] key = HelperMemory.read(ctx, r2, m.keySize());
          // bpf_map_lookup_percpu_elem: a CPU that does not exist gives NULL.
          if (!m.perCpu() || r3 < 0 || r3 >= m.cpus()) {
            return 0;
          }
          int saved = ctx.cpu;
          ctx.cpu = (int) r3;
          try {
            return m.lookupFromProgram(ctx, key);
          } finally {
            ctx.cpu = saved;
          }
        });
    reg.register(
        HelperIds.SPIN_LOCK,
        "bpf_spin_lock",
        (ctx, r1, r2, r3, r4, r5) -> {
          Region r = lockRegion(ctx, r1);
          SpinLocks.lock(r.bytes(), AddressSpace.offset(r1));
          return 0;
        });
    reg.register(
        HelperIds.SPIN_UNLOCK,
        "bpf_spin_unlock",
        (ctx, r1, r2, r3, r4, r5) -> {
          Region r = lockRegion(ctx, r1);
          SpinLocks.unlock(r.bytes(), AddressSpace.offset(r1));
          return 0;
        });
    reg.register(
        HelperIds.TAIL_CALL,
        "bpf_tail_call",
        (TailCalls.Standard) (ctx, r1, r2, r3, r4, r5) -> tailCall(env, ctx, r2, r3));
  }

  private static long pop(
      HelperEnvironment env, ExecutionContext ctx, long map, long dst, boolean remove) {
    BpfMap m = env.map(ctx, map);
    byte[] out = new byte[m.valueSize()];
    // Check the destination before touching the map: a trap must not lose an element.
    ctx.memory().check(ctx.pc, dst, out.length, true);
    long rc = m.pop(out, remove);
    HelperMemory.write(ctx, dst, out);
    return rc;
  }

  private static Region lockRegion(ExecutionContext ctx, long lock) {
    Region r = ctx.memory().check(ctx.pc, lock, 4, true);
    if (r.kind() != Region.Kind.MAP_VALUE || !SpinLocks.aligned(AddressSpace.offset(lock))) {
      throw new TrapException(
          ctx.pc,
          String.format("bpf_spin_lock on 0x%x: not an aligned lock in a map value (%s)", lock, r));
    }
    return r;
  }

  /**
   * bpf_tail_call(ctx, prog_array, index): on success sets {@code ctx.tailCallTarget} and the
   * engine jumps; on failure execution simply continues after the call ({@link TailCalls#target}).
   */
  private static long tailCall(HelperEnvironment env, ExecutionContext ctx, long map, long index) {
    BpfMap m = env.map(ctx, map);
    if (m.type() != MapType.PROG_ARRAY) {
      throw new TrapException(ctx.pc, "bpf_tail_call on " + m + ", not a prog_array");
    }
    Program p = TailCalls.target((ProgArrayMap) m, ctx, index);
    if (p == null) {
      return -Errno.ENOENT;
    }
    ctx.tailCallTarget = p;
    return 0;
  }
}
