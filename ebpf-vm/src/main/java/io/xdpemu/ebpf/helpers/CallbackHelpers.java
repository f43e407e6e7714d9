package io.xdpemu.ebpf.helpers;

import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.ebpf.maps.Errno;
import io.xdpemu.ebpf.maps.MapIteration;
import io.xdpemu.ebpf.vm.CallbackInvoker;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.HelperRegistry;
import io.xdpemu.ebpf.vm.TrapException;

/**
 * Helpers that call back into the program through {@link ExecutionContext#callbacks}: bpf_loop
 * (kernel/bpf/bpf_iter.c) and bpf_for_each_map_elem (the map's map_for_each_callback).
 */
final class CallbackHelpers {
  /** BPF_MAX_LOOPS (include/linux/bpf.h): 8M iterations. */
  static final long BPF_MAX_LOOPS = 8L * 1024 * 1024;

  private CallbackHelpers() {}

  static void register(HelperRegistry reg, HelperEnvironment env) {
    reg.register(
        HelperIds.LOOP,
        "bpf_loop",
        (ctx, r1, r2, r3, r4, r5) -> {
          if (r4 != 0) {
            return -Errno.EINVAL;
          }
          long n = r1 & 0xffffffffL;
          if (n > BPF_MAX_LOOPS) {
            // The verifier inlines bpf_loop when flags is 0 (inline_bpf_loop), and the inlined
            // code sets -E2BIG with a 32-bit move: programs see 0xfffffff9, not -7 (measured by
            // examples/maps/helpers_callbacks.c).
            return -Errno.E2BIG & 0xffffffffL;
          }
          CallbackInvoker cb = invoker(ctx, "bpf_loop");
          for (long i = 0; i < n; i++) {
            if (cb.invoke(ctx, r2, i, r3, 0, 0, 0) != 0) {
              return i + 1;
            }
          }
          return n;
        });
    reg.register(
        HelperIds.FOR_EACH_MAP_ELEM,
        "bpf_for_each_map_elem",
        (ctx, r1, r2, r3, r4, r5) -> {
          if (r4 != 0) {
            return -Errno.EINVAL;
          }
          BpfMap m = env.map(ctx, r1);
          CallbackInvoker cb = invoker(ctx, "bpf_for_each_map_elem");
          // The callback's r0: 0 continue, 1 stop; elements visited are counted, the last included.
          return MapIteration.forEach(
              m, ctx, (keyPtr, valuePtr) -> cb.invoke(ctx, r2, r1, keyPtr, valuePtr, r3, 0) == 0);
        });
  }

  private static CallbackInvoker invoker(ExecutionContext ctx, String helper) {
    CallbackInvoker cb = ctx.callbacks;
    if (cb == null) {
      throw new TrapException(
          ctx.pc, helper + ": the engine running this program cannot call back");
    }
    return cb;
  }
}
