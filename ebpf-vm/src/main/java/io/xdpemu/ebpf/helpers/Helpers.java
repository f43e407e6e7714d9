package io.xdpemu.ebpf.helpers;

import io.xdpemu.ebpf.vm.AddressSpace;
import io.xdpemu.ebpf.vm.HelperRegistry;

/**
 * Registers every helper xdpemu implements, by the kernel's static id, and the XDP metadata kfuncs
 * by name. A program calling an id that is not registered traps in the engine with "call to unknown
 * helper id N"; {@link #describeUnknown} gives the loader and verifier the same wording.
 */
public final class Helpers {
  private Helpers() {}

  /** A registry holding all helpers and kfuncs, answering from {@code env}. */
  public static HelperRegistry registry(HelperEnvironment env) {
    HelperRegistry reg = new HelperRegistry();
    registerAll(reg, env);
    return reg;
  }

  public static void registerAll(HelperRegistry reg, HelperEnvironment env) {
    MapHelpers.register(reg, env);
    XdpHelpers.register(reg, env);
    MiscHelpers.register(reg, env);
    RingBufHelpers.register(reg, env);
    CallbackHelpers.register(reg, env);
    reg.register(
        HelperIds.TRACE_PRINTK,
        "bpf_trace_printk",
        (ctx, r1, r2, r3, r4, r5) -> TracePrintk.call(ctx, r1, r2, r3, r4, r5));
    reg.register(
        HelperIds.CSUM_DIFF,
        "bpf_csum_diff",
        (ctx, r1, r2, r3, r4, r5) -> {
          // In place: the ranges are checked, then summed where they lie (no copy per call).
          int fromLen = HelperMemory.size(ctx, r2 & 0xffffffffL, "from_size");
          int toLen = HelperMemory.size(ctx, r4 & 0xffffffffL, "to_size");
          byte[] from = HelperMemory.bytesOf(ctx, r1, fromLen, false);
          byte[] to = HelperMemory.bytesOf(ctx, r3, toLen, false);
          return CsumDiff.compute(
              from, AddressSpace.offset(r1), fromLen, to, AddressSpace.offset(r3), toLen, r5);
        });
    reg.register(
        HelperIds.FIB_LOOKUP,
        "bpf_fib_lookup",
        (ctx, r1, r2, r3, r4, r5) -> {
          XdpHelpers.xdp(ctx, r1);
          return FibLookup.lookup(env.fib(), ctx, r2, r3 & 0xffffffffL, r4);
        });
    Kfuncs.register(reg);
    Conntrack.register(reg, env.maps().regions());
  }

  public static String describeUnknown(int id) {
    return "unknown helper id " + id;
  }
}
