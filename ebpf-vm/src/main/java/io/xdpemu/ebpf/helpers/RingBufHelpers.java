package io.xdpemu.ebpf.helpers;

import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.ebpf.maps.RingBufMap;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.HelperRegistry;
import io.xdpemu.ebpf.vm.TrapException;

/** bpf_ringbuf_output / reserve / submit / discard / query (kernel/bpf/ringbuf.c). */
final class RingBufHelpers {
  private RingBufHelpers() {}

  static void register(HelperRegistry reg, HelperEnvironment env) {
    reg.register(
        HelperIds.RINGBUF_OUTPUT,
        "bpf_ringbuf_output",
        (ctx, r1, r2, r3, r4, r5) -> {
          RingBufMap rb = ring(env, ctx, r1);
          byte[] data =
              HelperMemory.read(ctx, r2, HelperMemory.size(ctx, r3, "ringbuf_output size"));
          return rb.output(data, r4);
        });
    reg.register(
        HelperIds.RINGBUF_RESERVE,
        "bpf_ringbuf_reserve",
        (ctx, r1, r2, r3, r4, r5) -> ring(env, ctx, r1).reserve(ctx, r2, r3));
    reg.register(
        HelperIds.RINGBUF_SUBMIT,
        "bpf_ringbuf_submit",
        (ctx, r1, r2, r3, r4, r5) -> commit(env, ctx, r1, false));
    reg.register(
        HelperIds.RINGBUF_DISCARD,
        "bpf_ringbuf_discard",
        (ctx, r1, r2, r3, r4, r5) -> commit(env, ctx, r1, true));
    reg.register(
        HelperIds.RINGBUF_QUERY,
        "bpf_ringbuf_query",
        (ctx, r1, r2, r3, r4, r5) -> ring(env, ctx, r1).query(r2));
  }

  private static RingBufMap ring(HelperEnvironment env, ExecutionContext ctx, long handle) {
    BpfMap m = env.map(ctx, handle);
    if (!(m instanceof RingBufMap rb)) {
      throw new TrapException(ctx.pc, "ring buffer helper on " + m + ", not a ringbuf");
    }
    return rb;
  }

  private static long commit(
      HelperEnvironment env, ExecutionContext ctx, long sample, boolean discard) {
    RingBufMap rb = env.maps().ringBufAt(sample);
    if (rb == null || !rb.commit(sample, discard)) {
      throw new TrapException(
          ctx.pc,
          String.format(
              "bpf_ringbuf_%s of 0x%x: not a reserved ring buffer record",
              discard ? "discard" : "submit", sample));
    }
    return 0;
  }
}
